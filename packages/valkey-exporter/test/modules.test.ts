import { build, redisearchModule } from '@keepwatch/testing/builds';
import { type ServerHandle, startServer } from '@keepwatch/testing/servers';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseMetrics, startTestExporter, type TestExporter } from './harness/exporter.ts';
import { startRedisExporter, uncaptured } from './harness/redis-exporter.ts';

describe.each([build('valkey-8.0'), build('redis-7.0')])('modules on a real $id server with RediSearch loaded', (serverBuild) => {
  let server: ServerHandle;
  let exporter: TestExporter;

  beforeAll(async () => {
    server = await startServer(serverBuild, { args: ['--loadmodule', redisearchModule()] });
    exporter = await startTestExporter(['--valkey.addr', server.url, '--collector.modules']);
  });

  afterAll(async () => {
    await exporter?.close();
    await server?.dispose();
  });

  test('each loaded module is module_info with the fields INFO MODULES gives, as redis_exporter --include-modules-metrics says', async () => {
    const metrics = await exporter.scrape();
    expect(metrics.value('valkey_exporter_collector_success', { collector: 'modules' })).toBe(1);
    const line = String(await server.admin().info('modules'))
      .split(/\r?\n/)
      .find((entry) => entry.startsWith('module:'));
    const fields = new Map(
      (line ?? '')
        .slice('module:'.length)
        .split(',')
        .map((pair) => pair.split('=') as [string, string]),
    );
    expect(metrics.all('valkey_module_info').map((sample) => sample.labels)).toEqual([
      { name: 'ft', ver: fields.get('ver'), api: fields.get('api'), filters: fields.get('filters'), usedby: '[]', using: '[]' },
    ]);
    const incumbent = await startRedisExporter(server.url, ['--include-modules-metrics']);
    try {
      const theirs = parseMetrics(await incumbent.scrape());
      expect(uncaptured(theirs.types)).toEqual([]);
      expect(metrics.all('valkey_module_info').map((sample) => sample.labels)).toEqual(theirs.all('redis_module_info').map((sample) => sample.labels));
    } finally {
      incumbent.close();
    }
  });

  test('off by default, as in redis_exporter: INFO MODULES is not sent', async () => {
    const plain = await startTestExporter(['--valkey.addr', server.url]);
    try {
      const metrics = await plain.scrape();
      expect(metrics.all('valkey_module_info')).toEqual([]);
      expect(metrics.value('valkey_exporter_collector_success', { collector: 'modules' })).toBeUndefined();
    } finally {
      await plain.close();
    }
  });
});
