import { createLogger } from '@keepwatch/core/log';
import { renderExposition } from '@keepwatch/core/metrics';
import { scrape } from '@keepwatch/core/scrape';
import { parseRespAddress } from '@keepwatch/resp';
import { serverBuilds } from '@keepwatch/testing/builds';
import { maxmemoryBytes, startTopology, type Topology } from '@keepwatch/testing/valkey-topology';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { prometheusClientExposition } from '../../core/test/prom-client-reference.ts';
import { valkeyAclRules } from '../src/acl.ts';
import { valkeyEngine, valkeyExporter } from '../src/definition.ts';
import { startTestExporter, type TestExporter } from './harness/exporter.ts';

describe.each(serverBuilds)('metrics from a real $id server', (build) => {
  const flavour = build.flavour;
  let topology: Topology;
  let exporter: TestExporter;

  beforeAll(async () => {
    topology = await startTopology(build, valkeyAclRules);
    const admin = topology.primary.admin();
    for (let i = 0; i < 25; i += 1) await admin.set(`app:plain:${i}`, 'x');
    for (let i = 0; i < 5; i += 1) await admin.set(`app:ttl:${i}`, 'x', 'EX', 600);
    await admin.select(3);
    for (let i = 0; i < 7; i += 1) await admin.set(`other:${i}`, 'y');
    await admin.select(0);
    exporter = await startTestExporter(topology.exporterArgs());
  });

  afterAll(async () => {
    await exporter?.close();
    await topology?.dispose();
  });

  test('every numeric INFO ALL field is catalogued, every collector succeeds, up is 1', async () => {
    const metrics = await exporter.scrape();
    expect(metrics.value('valkey_up')).toBe(1);
    expect(metrics.value('valkey_exporter_unknown_info_fields')).toBe(0);
    const failed = metrics.all('valkey_exporter_collector_success').filter((sample) => sample.value !== 1);
    expect(failed).toEqual([]);
    expect(metrics.all('valkey_exporter_collector_success').map((sample) => sample.labels.collector)).not.toContain('cluster');
  });

  test('instance info names the server flavour and version; role is a 0/1 state', async () => {
    const metrics = await exporter.scrape();
    const info = metrics.all('valkey_instance_info')[0];
    expect(info?.labels).toMatchObject({ server: flavour, role: 'master', tcp_port: String(topology.primary.port) });
    expect(info?.labels.version).toMatch(new RegExp(`^${build.version.replace('.', '\\.')}\\.\\d+$`));
    expect(metrics.value('valkey_instance_role', { role: 'master' })).toBe(1);
    expect(metrics.value('valkey_instance_role', { role: 'slave' })).toBe(0);
  });

  test('keyspace per database, parsed by name', async () => {
    const avgTtlMs = async () => Number(/db0:.*avg_ttl=(\d+)/.exec(await topology.primary.admin().info('keyspace'))?.[1]);
    const before = await avgTtlMs();
    const metrics = await exporter.scrape();
    const after = await avgTtlMs();
    expect(metrics.value('valkey_db_keys', { db: 'db0' })).toBe(30);
    expect(metrics.value('valkey_db_keys_expiring', { db: 'db0' })).toBe(5);
    expect(metrics.value('valkey_db_keys', { db: 'db3' })).toBe(7);
    expect(metrics.value('valkey_db_keys_expiring', { db: 'db3' })).toBe(0);
    // avg_ttl is the server's running estimate (Redis 7.0 reports 0 until its expire cycle sampled), and it
    // moves between reads: the exporter must report the server's value in seconds, within a few seconds.
    const ttl = metrics.value('valkey_db_avg_ttl_seconds', { db: 'db0' }) ?? -1;
    expect(ttl).toBeGreaterThanOrEqual(Math.min(before, after) / 1000 - 5);
    expect(ttl).toBeLessThanOrEqual(Math.max(before, after) / 1000 + 5);
    expect(ttl).toBeLessThanOrEqual(600);
  });

  test('memory: maxmemory in bytes and the used/maxmemory ratio', async () => {
    const metrics = await exporter.scrape();
    const info = await topology.primary.admin().info('memory');
    const used = Number(/used_memory:(\d+)/.exec(info)?.[1]);
    expect(metrics.value('valkey_memory_max_bytes')).toBe(maxmemoryBytes);
    const ratio = metrics.value('valkey_memory_used_ratio') ?? 0;
    // used_memory moves a little between the two reads; the ratio must match it to within 1 %.
    expect(Math.abs(ratio - used / maxmemoryBytes)).toBeLessThan(0.01);
    expect(metrics.value('valkey_memory_used_peak_ratio')).toBeLessThanOrEqual(1.5);
  });

  test('the ratio is absent, not 0 or +Inf, when maxmemory is 0', async () => {
    const replicaExporter = await startTestExporter(topology.exporterArgs(topology.replica));
    try {
      const metrics = await replicaExporter.scrape();
      expect(metrics.value('valkey_memory_max_bytes')).toBe(0);
      expect(metrics.value('valkey_memory_used_ratio')).toBeUndefined();
      // Values only: a histogram's le="+Inf" bucket is a label.
      expect(metrics.text).not.toMatch(/ ([+-]Inf|NaN)$/m);
    } finally {
      await replicaExporter.close();
    }
  });

  test('counters are typed counter and in base units', async () => {
    const metrics = await exporter.scrape();
    for (const name of ['valkey_cpu_sys_seconds_total', 'valkey_connections_received_total', 'valkey_commands_total', 'valkey_rdb_saves_total']) {
      expect(metrics.types.get(name), name).toBe('counter');
    }
    expect(metrics.types.get('valkey_connected_clients')).toBe('gauge');
    expect([...metrics.types.keys()].filter((name) => name.endsWith('_total') && metrics.types.get(name) !== 'counter')).toEqual([]);
    const calls = metrics.value('valkey_commands_total', { cmd: 'set' }) ?? 0;
    const seconds = metrics.value('valkey_commands_duration_seconds_total', { cmd: 'set' }) ?? 0;
    expect(calls).toBe(37);
    // Dozens of SETs take microseconds each: seconds, not microseconds.
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThan(0.1);
  });

  test('latency percentiles are a summary in seconds with quantiles 0..1', async () => {
    const metrics = await exporter.scrape();
    expect(metrics.types.get('valkey_latency_percentiles_seconds')).toBe('summary');
    const quantiles = metrics.all('valkey_latency_percentiles_seconds').filter((sample) => sample.labels.cmd === 'set');
    expect(quantiles.map((sample) => sample.labels.quantile).sort()).toEqual(['0.5', '0.99', '0.999']);
    for (const sample of quantiles) expect(sample.value).toBeLessThan(0.1);
    expect(metrics.value('valkey_latency_percentiles_seconds_count', { cmd: 'set' })).toBe(37);
  });

  test('values print as the server printed them, scaled: no binary noise in the digits', async () => {
    const text = await (await fetch(`${exporter.url}/metrics`)).text();
    // 291094 µs printed as 0.29109399999999996 s, a 39.64 % ratio as 0.39640000000000003: a run of zeros or nines.
    const noisy = text.split('\n').filter((line) => !line.startsWith('#') && /\.\d*(0{6,}|9{6,})\d$/.test(line.split(' ').at(-1) ?? ''));
    expect(noisy).toEqual([]);
    // A microsecond percentile in seconds, to the nanosecond at most: INFO prints microseconds with three decimals,
    // and against Debian's redis-server 7.0.15 this test once read SET's p50 as 0.001 (printed 1e-9).
    expect(text).toMatch(/^valkey_latency_percentiles_seconds\{cmd="set",quantile="0.5"\} (0\.\d{1,9}|\de-\d)\n/m);
  });

  test('latency histogram: cumulative buckets on the shared bounds, count from LATENCY HISTOGRAM, sum from commandstats', async () => {
    const metrics = await exporter.scrape();
    expect(metrics.types.get('valkey_commands_latencies_seconds')).toBe('histogram');
    const buckets = metrics.all('valkey_commands_latencies_seconds_bucket').filter((sample) => sample.labels.cmd === 'set');
    expect(buckets.map((sample) => sample.labels.le)).toEqual([
      ...['0.000001', '0.000004', '0.000016', '0.000064', '0.000256', '0.001024', '0.004096', '0.016384', '0.065536', '0.262144', '1.048576'],
      '+Inf',
    ]);
    const counts = buckets.map((sample) => sample.value);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(counts.at(-1)).toBe(37);
    expect(metrics.value('valkey_commands_latencies_seconds_count', { cmd: 'set' })).toBe(37);
    expect(metrics.value('valkey_commands_latencies_seconds_sum', { cmd: 'set' })).toBe(
      metrics.value('valkey_commands_duration_seconds_total', { cmd: 'set' }),
    );
    // The server's own histogram: its highest listed bucket holds every call, and the exporter's bucket at
    // the first shared bound at or above it does too.
    const [, [, calls, , pairs]] = (await topology.primary.admin().call('LATENCY', 'HISTOGRAM', 'set')) as [string, [string, number, string, number[]]];
    expect(calls).toBe(37);
    const highest = Math.max(...pairs.filter((_, index) => index % 2 === 0));
    const covering = buckets.find((sample) => sample.labels.le !== '+Inf' && Number(sample.labels.le) * 1e6 >= highest);
    expect(covering?.value).toBe(37);
    // Each fixed bound holds the count of the server's last listed bucket at or below it.
    const atOrBelow = (usec: number) => pairs.reduce((count, value, index) => (index % 2 === 0 && value <= usec ? (pairs[index + 1] as number) : count), 0);
    expect(counts.slice(0, -1)).toEqual(buckets.slice(0, -1).map((sample) => atOrBelow(Math.round(Number(sample.labels.le) * 1e6))));
  });

  test('config: io-threads and the output buffer limits per class, as CONFIG GET reads them', async () => {
    const metrics = await exporter.scrape();
    const [, ioThreads, , limits] = (await topology.primary.admin().call('CONFIG', 'GET', 'io-threads', 'client-output-buffer-limit')) as string[];
    // CONFIG GET answers in the server's order; the two values are told apart by shape.
    const [threads, limitText] = /^\d+$/.test(ioThreads ?? '') ? [ioThreads, limits] : [limits, ioThreads];
    expect(metrics.value('valkey_config_io_threads')).toBe(Number(threads));
    const words = (limitText ?? '').split(' ');
    for (let index = 0; index < words.length; index += 4) {
      const [name = '', hard, soft, seconds] = words.slice(index, index + 4);
      expect(metrics.value('valkey_config_client_output_buffer_limit_bytes', { class: name, limit: 'hard' }), name).toBe(Number(hard));
      expect(metrics.value('valkey_config_client_output_buffer_limit_bytes', { class: name, limit: 'soft' }), name).toBe(Number(soft));
      expect(metrics.value('valkey_config_client_output_buffer_limit_overcome_seconds', { class: name, limit: 'soft' }), name).toBe(Number(seconds));
    }
    expect(words.length).toBe(12);
  });

  test('slowlog and persistence status', async () => {
    const admin = topology.primary.admin();
    await admin.config('SET', 'slowlog-log-slower-than', '0');
    await admin.ping();
    await admin.config('SET', 'slowlog-log-slower-than', '10000');
    const [[lastId]] = (await admin.call('SLOWLOG', 'GET', '1')) as [[number]];
    const length = Number(await admin.call('SLOWLOG', 'LEN'));
    const metrics = await exporter.scrape();
    expect(length).toBeGreaterThanOrEqual(1);
    expect(metrics.value('valkey_slowlog_length')).toBe(length);
    expect(metrics.value('valkey_slowlog_last_id')).toBe(lastId);
    expect(metrics.value('valkey_rdb_last_bgsave_status')).toBe(1);
    expect(metrics.value('valkey_aof_last_write_status')).toBe(1);
    expect(metrics.value('valkey_rdb_last_save_timestamp_seconds')).toBeGreaterThan(1.7e9);
  });
});

describe.each(serverBuilds)('the exposition of a real $id scrape', (build) => {
  test('is byte for byte what prom-client prints for the same families, in both formats', async () => {
    const topology = await startTopology(build, valkeyAclRules);
    const log = createLogger({ level: 'error', format: 'logfmt', write: () => {} });
    const target = valkeyExporter.target({ address: parseRespAddress(topology.primary.url, valkeyEngine) }, log);
    try {
      const collectors = valkeyExporter.collectors;
      const sink = await scrape({ namespace: 'valkey', target, collectors, budgetMs: 5000, log });
      const families = sink.families();
      expect(families.length).toBeGreaterThan(150);
      for (const openMetrics of [false, true]) {
        expect(renderExposition([sink], openMetrics)).toBe(await prometheusClientExposition(families, openMetrics));
      }
    } finally {
      await target.close();
      await topology.dispose();
    }
  });
});
