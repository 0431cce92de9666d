import { type MilvusStandin, type StandinState, startMilvusStandin } from '@keepwatch/testing/milvus-standin';
import { afterEach, describe, expect, test } from 'vitest';
import { startTestExporter, type TestExporter } from './harness/exporter.ts';

/** Scenarios scripted on the stand-in between scrapes; every assertion is an exact value. */
describe('Milvus state changes between scrapes', () => {
  let milvus: MilvusStandin;
  let exporter: TestExporter;

  async function start(args: readonly string[] = [], configure?: (state: StandinState) => void) {
    milvus = await startMilvusStandin(configure);
    exporter = await startTestExporter(milvus.address, args);
  }
  afterEach(async () => {
    await exporter.close();
    await milvus.close();
  });

  const docs = { db: 'default', collection: 'docs' };
  const collection = (db: string, name: string) => {
    const found = milvus.state.databases.get(db)?.collections.get(name);
    if (found === undefined) throw new Error(`no collection ${db}.${name}`);
    return found;
  };

  test('a collection loading, then loaded', async () => {
    await start();
    Object.assign(collection('default', 'archive'), { loadState: 'LoadStateLoading', loadingProgress: 40, replicas: 1 });
    const archive = { db: 'default', collection: 'archive' };
    let metrics = await exporter.scrape();
    expect(metrics.value('milvus_collection_load_state', { ...archive, state: 'LoadStateLoading' })).toBe(1);
    expect(metrics.value('milvus_collection_load_state', { ...archive, state: 'LoadStateLoaded' })).toBe(0);
    expect(metrics.value('milvus_collection_loading_progress_ratio', archive)).toBe(0.4);
    Object.assign(collection('default', 'archive'), { loadState: 'LoadStateLoaded', loadingProgress: 100 });
    metrics = await exporter.scrape();
    expect(metrics.value('milvus_collection_load_state', { ...archive, state: 'LoadStateLoaded' })).toBe(1);
    expect(metrics.value('milvus_collection_load_state', { ...archive, state: 'LoadStateLoading' })).toBe(0);
    expect(metrics.value('milvus_collection_loading_progress_ratio', archive)).toBe(1);
    expect(metrics.value('milvus_collection_replicas', archive)).toBe(1);
  });

  test('an index building, then finished', async () => {
    await start();
    const index = collection('default', 'docs').indexes[0];
    if (index === undefined) throw new Error('no index');
    Object.assign(index, { indexedRows: 400000, totalRows: 600123, pendingRows: 200123, state: 'InProgress' });
    const series = { ...docs, index: 'embedding_idx', field: 'embedding' };
    let metrics = await exporter.scrape();
    expect(metrics.value('milvus_index_indexed_rows', series)).toBe(400000);
    expect(metrics.value('milvus_index_pending_rows', series)).toBe(200123);
    expect(metrics.value('milvus_index_state', { ...series, state: 'InProgress' })).toBe(1);
    Object.assign(index, { indexedRows: 600123, pendingRows: 0, state: 'Finished' });
    metrics = await exporter.scrape();
    expect(metrics.value('milvus_index_pending_rows', series)).toBe(0);
    expect(metrics.value('milvus_index_state', { ...series, state: 'InProgress' })).toBe(0);
    expect(metrics.value('milvus_index_state', { ...series, state: 'Finished' })).toBe(1);
  });

  test('a query node going unhealthy', async () => {
    await start();
    const node = milvus.state.systemInfo.nodes_info.find((entry) => entry.infos.name === 'querynode22');
    if (node === undefined) throw new Error('fixture has no querynode22');
    node.infos = { ...node.infos, has_error: true, error_reason: 'context deadline exceeded' };
    Object.assign(milvus.state, { healthy: false, reasons: ['component querynode-22 state is Abnormal'] });
    const metrics = await exporter.scrape();
    expect(metrics.value('milvus_component_healthy', { role: 'querynode', node_id: '22' })).toBe(0);
    expect(metrics.value('milvus_component_healthy', { role: 'querynode', node_id: '21' })).toBe(1);
    expect(metrics.value('milvus_healthy')).toBe(0);
    expect(metrics.value('milvus_health_reasons')).toBe(1);
    expect(metrics.value('milvus_health_reason_info', { reason: 'component querynode-22 state is Abnormal' })).toBe(1);
  });

  test('quota denying writes: the cluster quota state and a database property', async () => {
    await start();
    milvus.state.quotaStates = ['DenyToWrite'];
    const analytics = milvus.state.databases.get('analytics');
    if (analytics === undefined) throw new Error('no analytics database');
    analytics.properties['database.force.deny.writing'] = 'true';
    const metrics = await exporter.scrape();
    expect(metrics.value('milvus_quota_state', { state: 'DenyToWrite' })).toBe(1);
    expect(metrics.value('milvus_quota_state', { state: 'DenyToRead' })).toBe(0);
    expect(metrics.value('milvus_database_force_deny_writing', { db: 'analytics' })).toBe(1);
    expect(metrics.value('milvus_database_force_deny_writing', { db: 'default' })).toBe(0);
    expect(metrics.value('milvus_database_force_deny_reading', { db: 'analytics' })).toBe(0);
  });

  test('collection patterns and the cap bound the per-collection series, and say how many were left out', async () => {
    await start(['--collector.collections.exclude', 'default\\.arch.*', '--collector.collections.limit', '1'], (state) => {
      const analytics = state.databases.get('analytics');
      for (let i = 0; i < 5; i += 1) analytics?.collections.set(`c${i}`, { ...structuredClone(analytics.collections.get('events')), id: `9000${i}` } as never);
    });
    const metrics = await exporter.scrape();
    expect(metrics.value('milvus_database_collections', { db: 'analytics' })).toBe(6);
    expect(metrics.value('milvus_collections_unexported', { reason: 'excluded' })).toBe(1);
    expect(metrics.value('milvus_collections_unexported', { reason: 'limit' })).toBe(8 - 1 - 1);
    // The first in database-then-name order: analytics.c0.
    expect(metrics.all('milvus_collection_rows').map((sample) => sample.labels)).toEqual([{ db: 'analytics', collection: 'c0' }]);
    const indexed = metrics.all('milvus_index_state');
    expect(indexed.length).toBeGreaterThan(0);
    expect(indexed.filter((sample) => sample.labels.collection !== 'c0')).toEqual([]);
    const described = milvus.calls.filter((call) => call.method === 'DescribeCollection');
    expect(described).toHaveLength(1);
  });

  test('with a refresh interval, per-collection details are reused between scrapes and their age is exported', async () => {
    await start(['--collector.collections.refresh-interval', '3600']);
    await exporter.scrape();
    const before = milvus.calls.filter((call) => call.method === 'GetCollectionStatistics').length;
    collection('default', 'docs').rows = 700000;
    const metrics = await exporter.scrape();
    expect(milvus.calls.filter((call) => call.method === 'GetCollectionStatistics')).toHaveLength(before);
    expect(metrics.value('milvus_collection_rows', docs)).toBe(600123);
    expect(metrics.value('milvus_collections_details_age_seconds')).toBeGreaterThan(0);
    // Databases and health are still read on every scrape.
    expect(milvus.calls.filter((call) => call.method === 'CheckHealth')).toHaveLength(2);
  });
});
