import { gauge } from '@keepwatch/core/metrics';
import type { MilvusCollector } from '../snapshot.ts';

export const indexStates = ['IndexStateNone', 'Unissued', 'InProgress', 'Finished', 'Failed', 'Retry'] as const;

const labels = ['db', 'collection', 'index', 'field'];
const cachedNote = 'Reused between scrapes when --collector.collections.refresh-interval is set.';

const metrics = {
  indexed: gauge('index_indexed_rows', `Rows the index covers (DescribeIndex indexed_rows). ${cachedNote}`, labels),
  total: gauge(
    'index_total_rows',
    `Rows of sealed segments the index should cover; growing segments excluded (DescribeIndex total_rows). ${cachedNote}`,
    labels,
  ),
  pending: gauge('index_pending_rows', `Rows waiting to be indexed (DescribeIndex pending_index_rows). ${cachedNote}`, labels),
  state: gauge('index_state', `Build state of the index, one series per state: 1 for the current one (DescribeIndex). ${cachedNote}`, [...labels, 'state']),
};

export const indexesCollector: MilvusCollector = {
  name: 'indexes',
  help: 'Per index of every exported collection: indexed, total and pending rows and build state (DescribeIndex).',
  defaultEnabled: true,
  metrics: Object.values(metrics),
  reads: ['indexes'],
  collect(snapshot, sink) {
    for (const index of snapshot.read('indexes')) {
      const series = { db: index.db, collection: index.collection, index: index.name, field: index.field };
      sink.emit(metrics.indexed, index.indexedRows, series);
      sink.emit(metrics.total, index.totalRows, series);
      sink.emit(metrics.pending, index.pendingRows, series);
      for (const state of indexStates) sink.emit(metrics.state, state === index.state ? 1 : 0, { ...series, state });
    }
  },
};
