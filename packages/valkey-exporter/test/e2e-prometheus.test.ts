import { type PrometheusHandle, promtoolCheckMetrics, startPrometheus, waitFor } from '@keepwatch/testing';
import { startTopology, type Topology } from '@keepwatch/testing/valkey-topology';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { valkeyAclRules } from '../src/acl.ts';
import { startTestExporter, type TestExporter } from './harness/exporter.ts';

describe('end to end: a real Prometheus scrapes the exporter', () => {
  let topology: Topology;
  let exporter: TestExporter;
  let prometheus: PrometheusHandle;

  beforeAll(async () => {
    topology = await startTopology('valkey', valkeyAclRules);
    await topology.primary.admin().mset('app:a', '1', 'app:b', '2', 'app:c', '3');
    exporter = await startTestExporter(topology.exporterArgs());
    prometheus = await startPrometheus({ valkey: [new URL(exporter.url).host] });
  });

  afterAll(async () => {
    await prometheus?.stop();
    await exporter?.close();
    await topology?.dispose();
  });

  const eventually = (query: string, expected: number) =>
    waitFor(`${query} == ${expected} in Prometheus`, async () => ((await prometheus.value(query)) === expected ? true : undefined), 200, 100);

  test('Prometheus stores what the exporter read', async () => {
    await eventually('up{job="valkey"}', 1);
    await eventually('valkey_up', 1);
    await eventually('valkey_db_keys{db="db0"}', 3);
    await eventually('valkey_memory_max_bytes', 64 * 1024 * 1024);
    await eventually('valkey_connected_slaves', 1);
    expect(await prometheus.value('scrape_samples_scraped{job="valkey"}')).toBeGreaterThan(300);
  });

  test('auth failures arrive through Prometheus as a counter increase', async () => {
    await eventually('valkey_auth_failures_total', 0);
    for (let i = 0; i < 4; i += 1) {
      const client = new Redis({
        port: topology.primary.port,
        host: '127.0.0.1',
        lazyConnect: true,
        protocol: 2,
        disableClientInfo: true,
        enableReadyCheck: false,
        retryStrategy: () => null,
      });
      client.on('error', () => {});
      await client.connect();
      await client.call('AUTH', 'alice', 'wrong').catch(() => {});
      client.disconnect();
    }
    await eventually('valkey_auth_failures_total', 4);
    await eventually('sum(valkey_acl_log_events_total{reason="auth"})', 4);
  });

  test('promtool accepts the exposition', async () => {
    expect(promtoolCheckMetrics((await exporter.scrape()).text)).toEqual({ status: 0, output: '' });
  });
});
