import { allSucceeded } from '@keepwatch/testing';
import { type MilvusStandin, startMilvusStandin } from '@keepwatch/testing/milvus-standin';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { milvusExporter } from '../src/definition.ts';
import { type Metrics, startTestExporter, type TestExporter } from './harness/exporter.ts';

describe('metrics from the Milvus stand-in (system_info from shared/fixtures/milvus, scripted databases)', () => {
  let milvus: MilvusStandin;
  let exporter: TestExporter;
  let metrics: Metrics;

  beforeAll(async () => {
    milvus = await startMilvusStandin();
    exporter = await startTestExporter(milvus.address, ['--collector.rbac']);
    metrics = await exporter.scrape();
  });
  afterAll(async () => {
    await exporter.close();
    await milvus.close();
  });

  test('up, version and every collector succeeding', () => {
    expect(metrics.value('milvus_up')).toBe(1);
    expect(metrics.all('milvus_version_info')[0]?.labels).toEqual({
      version: 'v2.5.4',
      deploy_mode: 'DISTRIBUTED',
      git_commit: '2e7e9ba7b9',
      go_version: 'go1.22.7',
    });
    expect(metrics.collectorSuccess('milvus')).toEqual(allSucceeded(milvusExporter.collectors.map((collector) => collector.name)));
  });

  test('health and quota states', () => {
    expect(metrics.value('milvus_healthy')).toBe(1);
    expect(metrics.value('milvus_health_reasons')).toBe(0);
    expect(metrics.value('milvus_quota_state', { state: 'DenyToWrite' })).toBe(0);
    expect(metrics.all('milvus_quota_state')).toHaveLength(5);
  });

  test('components from GetMetrics system_info, by type, with usage in base units', () => {
    expect(metrics.value('milvus_components', { role: 'querynode' })).toBe(2);
    expect(metrics.value('milvus_components', { role: 'proxy' })).toBe(1);
    expect(metrics.value('milvus_component_healthy', { role: 'querynode', node_id: '21' })).toBe(1);
    expect(metrics.value('milvus_component_cpu_cores', { role: 'querynode', node_id: '21' })).toBe(16);
    expect(metrics.value('milvus_component_cpu_usage_ratio', { role: 'querynode', node_id: '21' })).toBeCloseTo(0.2371, 10);
    expect(metrics.value('milvus_component_memory_bytes', { role: 'querynode', node_id: '21' })).toBe(68719476736);
    expect(metrics.value('milvus_component_memory_used_bytes', { role: 'querynode', node_id: '21' })).toBe(27411955712);
    expect(metrics.value('milvus_component_disk_used_bytes', { role: 'querynode', node_id: '21' })).toBe(41875931136);
    expect(metrics.value('milvus_component_growing_segments_bytes', { role: 'querynode', node_id: '21' })).toBe(50331648);
    expect(metrics.all('milvus_component_info').find((sample) => sample.labels.node_id === '21')?.labels.version).toBe('v2.5.4');
  });

  test('databases and collections, 64-bit values read from strings', () => {
    expect(metrics.value('milvus_databases')).toBe(2);
    expect(metrics.value('milvus_database_collections', { db: 'default' })).toBe(2);
    expect(metrics.value('milvus_database_collections', { db: 'analytics' })).toBe(1);
    expect(metrics.value('milvus_database_max_collections', { db: 'analytics' })).toBe(64);
    expect(metrics.value('milvus_database_force_deny_writing', { db: 'default' })).toBe(0);
    const docs = { db: 'default', collection: 'docs' };
    expect(metrics.value('milvus_collection_rows', docs)).toBe(600123);
    expect(metrics.value('milvus_collection_partitions', docs)).toBe(3);
    expect(metrics.value('milvus_collection_shards', docs)).toBe(2);
    expect(metrics.value('milvus_collection_replicas', docs)).toBe(2);
    expect(metrics.value('milvus_collection_loading_progress_ratio', docs)).toBe(1);
    expect(metrics.value('milvus_collection_load_state', { ...docs, state: 'LoadStateLoaded' })).toBe(1);
    expect(metrics.value('milvus_collection_load_state', { ...docs, state: 'LoadStateLoading' })).toBe(0);
    const archive = { db: 'default', collection: 'archive' };
    expect(metrics.value('milvus_collection_load_state', { ...archive, state: 'LoadStateNotLoad' })).toBe(1);
    expect(metrics.value('milvus_collection_replicas', archive)).toBe(0);
    expect(metrics.value('milvus_collection_loading_progress_ratio', archive)).toBe(0);
    expect(metrics.value('milvus_collection_rows', { db: 'analytics', collection: 'events' })).toBe(1200);
    expect(metrics.value('milvus_collections_unexported', { reason: 'excluded' })).toBe(0);
    expect(metrics.value('milvus_collections_unexported', { reason: 'limit' })).toBe(0);
    expect(metrics.value('milvus_collections_failed_calls')).toBe(0);
    expect(metrics.value('milvus_collections_details_age_seconds')).toBe(0);
  });

  test('indexes, resource groups and RBAC counts', () => {
    const index = { db: 'default', collection: 'docs', index: 'embedding_idx', field: 'embedding' };
    expect(metrics.value('milvus_index_indexed_rows', index)).toBe(600123);
    expect(metrics.value('milvus_index_total_rows', index)).toBe(600123);
    expect(metrics.value('milvus_index_pending_rows', index)).toBe(0);
    expect(metrics.value('milvus_index_state', { ...index, state: 'Finished' })).toBe(1);
    const group = { resource_group: '__default_resource_group' };
    expect(metrics.value('milvus_resource_group_capacity', group)).toBe(1000000);
    expect(metrics.value('milvus_resource_group_available_nodes', group)).toBe(2);
    expect(metrics.value('milvus_resource_group_loaded_replicas', group)).toBe(3);
    expect(metrics.value('milvus_rbac_roles')).toBe(3);
    expect(metrics.value('milvus_rbac_users')).toBe(1);
  });
});
