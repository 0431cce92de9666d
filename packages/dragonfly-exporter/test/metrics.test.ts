import { allSucceeded } from '@keepwatch/testing';
import { type DragonflyStandIn, startDragonflyStandIn } from '@keepwatch/testing/dragonfly-standin';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { dragonflyExporter } from '../src/definition.ts';
import { type Metrics, startTestExporter, type TestExporter } from './harness/exporter.ts';

describe('metrics from the Dragonfly 1.40 stand-in (values from shared/fixtures/dragonfly)', () => {
  let dragonfly: DragonflyStandIn;
  let exporter: TestExporter;
  let metrics: Metrics;

  beforeAll(async () => {
    dragonfly = await startDragonflyStandIn();
    exporter = await startTestExporter(['--dragonfly.addr', dragonfly.url]);
    metrics = await exporter.scrape();
  });
  afterAll(async () => {
    await exporter.close();
    await dragonfly.close();
  });

  test('up, detection and identity', () => {
    expect(metrics.value('dragonfly_up')).toBe(1);
    expect(metrics.all('dragonfly_instance_info')[0]?.labels).toMatchObject({
      server: 'dragonfly',
      version: '1.40.1',
      redis_version: '7.4.0',
      mode: 'standalone',
      role: 'master',
      maxmemory_policy: 'noeviction',
    });
    expect(metrics.value('dragonfly_instance_role', { role: 'master' })).toBe(1);
    expect(metrics.value('dragonfly_exporter_unknown_info_fields')).toBe(0);
    // A dangerous command that never ran is there at 0, so alerts see its first use as an increase.
    expect(metrics.value('dragonfly_dangerous_commands_total', { cmd: 'flushall' })).toBe(0);
    expect(metrics.collectorSuccess('dragonfly')).toEqual(allSucceeded(dragonflyExporter.collectors.map((collector) => collector.name)));
  });

  test('catalogue fields in base units, Dragonfly traps handled', () => {
    expect(metrics.value('dragonfly_memory_max_bytes')).toBe(12884901888);
    expect(metrics.value('dragonfly_memory_used_ratio')).toBeCloseTo(2818444645 / 12884901888, 12);
    expect(metrics.value('dragonfly_max_clients')).toBe(64000);
    // sec.usec without zero padding: 41234.56789 is 41234 s + 56789 µs.
    expect(metrics.value('dragonfly_cpu_sys_seconds_total')).toBeCloseTo(41234.056789, 6);
    expect(metrics.value('dragonfly_cpu_user_serving_thread_seconds')).toBeCloseTo(12345.654321, 6);
    expect(metrics.types.get('dragonfly_cpu_user_serving_thread_seconds')).toBe('gauge');
    expect(metrics.value('dragonfly_pipelined_commands_duration_seconds_total')).toBeCloseTo(987.654321, 6);
    expect(metrics.value('dragonfly_lua_gc_duration_seconds_total')).toBe(0.004211);
    expect(metrics.types.get('dragonfly_keyspace_hits_total')).toBe('counter');
    expect(metrics.value('dragonfly_keyspace_hits_total')).toBe(1234567890);
    expect(metrics.value('dragonfly_rdb_last_save_timestamp_seconds')).toBe(1787292000);
    expect(metrics.value('dragonfly_rdb_last_bgsave_status')).toBe(1);
    expect(metrics.value('dragonfly_acl_users')).toBe(3);
    expect(metrics.value('dragonfly_psync_buffer_bytes')).toBe(2621440);
    // Fields that are always -1 are not metrics.
    expect(metrics.text).not.toMatch(/rejected_connections|instantaneous_input|avg_ttl/);
  });

  test('keyspace by attribute name, with per-database hits and misses', () => {
    expect(metrics.value('dragonfly_db_keys', { db: 'db0' })).toBe(2101234);
    expect(metrics.value('dragonfly_db_keys_expiring', { db: 'db0' })).toBe(612345);
    expect(metrics.value('dragonfly_db_keyspace_hits_total', { db: 'db1' })).toBe(66656);
    expect(metrics.value('dragonfly_db_keyspace_misses_total', { db: 'db1' })).toBe(432);
  });

  test('commandstats: two-word ACL subcommands labelled as on Valkey; unknown commands summed', () => {
    expect(metrics.value('dragonfly_commands_total', { cmd: 'get' })).toBe(812345678);
    expect(metrics.value('dragonfly_commands_duration_seconds_total', { cmd: 'get' })).toBeCloseTo(1421.604937, 6);
    expect(metrics.value('dragonfly_commands_total', { cmd: 'acl|log' })).toBeGreaterThanOrEqual(96);
    expect(metrics.value('dragonfly_unknown_commands_total')).toBe(96);
    expect(metrics.all('dragonfly_commands_rejected_calls_total')).toEqual([]);
    expect(metrics.value('dragonfly_latency_percentiles_seconds', { cmd: 'get', quantile: '0.99' })).toBe(9e-6);
    expect(metrics.value('dragonfly_latency_percentiles_seconds', { cmd: 'acl|log', quantile: '0.999' })).toBe(41e-6);
  });

  test('errorstats: whole messages reduced to their code, label bounded', () => {
    expect(metrics.value('dragonfly_errors_total', { err: 'syntax_error' })).toBe(14);
    expect(metrics.value('dragonfly_errors_total', { err: 'WRONGTYPE' })).toBe(7);
    expect(metrics.value('dragonfly_errors_total', { err: 'NOPERM' })).toBe(2);
    expect(metrics.value('dragonfly_errors_total', { err: 'no_auth' })).toBe(3);
    expect(metrics.value('dragonfly_errors_total', { err: 'ERR' })).toBe(1);
    expect(metrics.value('dragonfly_auth_failures_total')).toBe(3);
    expect(metrics.value('dragonfly_auth_failures_source_info', { source: 'errorstat_no_auth' })).toBe(1);
  });

  test('replication: journal-record lag and Dragonfly states', () => {
    const replica = { slave_ip: '10.0.2.14', slave_port: '6379' };
    expect(metrics.value('dragonfly_connected_slaves')).toBe(1);
    expect(metrics.value('dragonfly_connected_slave_lag_records', replica)).toBe(0);
    expect(metrics.value('dragonfly_connected_slave_state', { ...replica, state: 'online' })).toBe(1);
    expect(metrics.value('dragonfly_connected_slave_state', { ...replica, state: 'full_sync' })).toBe(0);
    expect(metrics.all('dragonfly_connected_slave_lag_seconds')).toEqual([]);
    expect(metrics.all('dragonfly_connected_slave_lag_bytes')).toEqual([]);
  });

  test('Dragonfly-only records: memory by type, transaction widths, keys of the last save', () => {
    expect(metrics.value('dragonfly_memory_used_by_type_bytes', { type: 'string' })).toBe(1543212032);
    expect(metrics.value('dragonfly_transactions_by_shards_total', { shards: '1' })).toBe(410234567);
    expect(metrics.value('dragonfly_transactions_by_shards_total', { shards: '8' })).toBe(1418647);
    expect(metrics.value('dragonfly_squashed_batches_by_shards_total', { shards: '2' })).toBe(12345678);
    expect(metrics.value('dragonfly_last_save_keys', { type: 'other' })).toBe(311616);
  });

  test('slow log and posture', () => {
    expect(metrics.value('dragonfly_slowlog_length')).toBe(1);
    expect(metrics.value('dragonfly_slowlog_last_id')).toBe(4711);
    expect(metrics.value('dragonfly_last_slow_execution_duration_seconds')).toBe(0.0125);
    expect(metrics.value('dragonfly_security_default_user_nopass')).toBe(1);
    expect(metrics.value('dragonfly_security_requirepass_set')).toBe(0);
    expect(metrics.all('dragonfly_security_protected_mode_enabled')).toEqual([]);
  });

  test('the exporter sends only commands Dragonfly supports, and never raises its error counters', async () => {
    const before = dragonfly.errorstats();
    for (let i = 0; i < 20; i += 1) await exporter.scrape();
    expect(dragonfly.errorstats()).toEqual(before);
    expect(new Set(dragonfly.received)).toEqual(new Set(['CLIENT', 'INFO', 'SLOWLOG', 'ACL LOG', 'ACL GETUSER']));
  });
});
