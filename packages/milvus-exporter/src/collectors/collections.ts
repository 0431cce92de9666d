import { gauge, type MetricDescriptor } from '@keepwatch/core/metrics';
import type { CollectionRead, MilvusCollector } from '../snapshot.ts';

export const loadStates = ['LoadStateNotExist', 'LoadStateNotLoad', 'LoadStateLoading', 'LoadStateLoaded'] as const;

const labels = ['db', 'collection'];
const cachedNote = 'Reused between scrapes when --collector.collections.refresh-interval is set.';

const metrics = {
  perDatabase: gauge('database_collections', 'Collections in the database, exported or not (ShowCollections).', ['db']),
  unexported: gauge(
    'collections_unexported',
    'Collections without per-collection series: excluded by the include/exclude patterns, or over --collector.collections.limit.',
    ['reason'],
  ),
  failedCalls: gauge('collections_failed_calls', 'Per-collection calls that failed during this scrape (their values are absent).'),
  age: gauge(
    'collections_details_age_seconds',
    `Age of the oldest per-collection and per-index details, in seconds: 0 when read during this scrape. ${cachedNote} Read in the background beyond --collector.collections.background-after.`,
  ),
  unread: gauge(
    'collections_details_unread',
    'Selected collections whose details the background reader has not read yet (beyond --collector.collections.background-after); 0 otherwise.',
  ),
  rows: gauge('collection_rows', `Rows in the collection, including deleted rows not yet compacted (GetCollectionStatistics row_count). ${cachedNote}`, labels),
  loadState: gauge('collection_load_state', `Load state of the collection, one series per state: 1 for the current one (GetLoadState). ${cachedNote}`, [
    ...labels,
    'state',
  ]),
  progress: gauge('collection_loading_progress_ratio', `Loading progress, 0..1: 1 when loaded, 0 when not loaded (GetLoadingProgress). ${cachedNote}`, labels),
  partitions: gauge('collection_partitions', `Partitions of the collection (DescribeCollection). ${cachedNote}`, labels),
  shards: gauge('collection_shards', `Shards of the collection (DescribeCollection). ${cachedNote}`, labels),
  replicas: gauge('collection_replicas', `In-memory replicas of the collection: 0 when not loaded (GetReplicas). ${cachedNote}`, labels),
};

const values: readonly [keyof CollectionRead, MetricDescriptor][] = [
  ['rows', metrics.rows],
  ['loadingProgress', metrics.progress],
  ['partitions', metrics.partitions],
  ['shards', metrics.shards],
  ['replicas', metrics.replicas],
];

export const collectionsCollector: MilvusCollector = {
  name: 'collections',
  help: 'Collections per database; per collection rows, load state and progress, partitions, shards and replicas (bounded by the collection patterns and limit).',
  defaultEnabled: true,
  metrics: Object.values(metrics),
  reads: ['collections'],
  collect(snapshot, sink) {
    const read = snapshot.read('collections');
    for (const [db, count] of read.perDatabase) sink.emit(metrics.perDatabase, count, { db });
    sink.emit(metrics.unexported, read.unexported.excluded, { reason: 'excluded' });
    sink.emit(metrics.unexported, read.unexported.limit, { reason: 'limit' });
    sink.emit(metrics.failedCalls, read.failedCalls);
    sink.emit(metrics.age, read.ageSeconds);
    sink.emit(metrics.unread, read.unread);
    for (const collection of read.collections) {
      const series = { db: collection.db, collection: collection.name };
      for (const [field, descriptor] of values) {
        const value = collection[field];
        if (typeof value === 'number') sink.emit(descriptor, value, series);
      }
      const current = collection.loadState;
      if (current !== undefined) for (const state of loadStates) sink.emit(metrics.loadState, state === current ? 1 : 0, { ...series, state });
    }
  },
};
