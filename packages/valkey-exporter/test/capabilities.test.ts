import { type ServerHandle, startServer } from '@keepwatch/testing/servers';
import { writeSecret } from '@keepwatch/testing/valkey-topology';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { valkeyAclRules } from '../src/acl.ts';
import { startTestExporter } from './harness/exporter.ts';

const errorstat = async (server: ServerHandle, prefix: string) =>
  Number(new RegExp(`errorstat_${prefix}:count=(\\d+)`).exec(await server.admin().info('errorstats'))?.[1] ?? 0);

describe.each(['valkey', 'redis'] as const)('capabilities on a real %s server', (flavour) => {
  let server: ServerHandle;

  beforeAll(async () => {
    server = await startServer(flavour, { args: ['--latency-monitor-threshold', '1', '--enable-debug-command', 'local'] });
    // A user without ACL LOG: the acl-log collector's command is refused.
    const rules = valkeyAclRules(server.build).filter((rule) => rule !== '+acl|log');
    await server.admin().call('ACL', 'SETUSER', 'narrow', ...rules, '>narrow-password');
  });

  afterAll(async () => {
    await server?.dispose();
  });

  test('a refused command is sent once per connection, not on every scrape, and its collector reports failure', async () => {
    const exporter = await startTestExporter([
      '--valkey.addr',
      server.url,
      '--valkey.user',
      'narrow',
      '--valkey.password-file',
      writeSecret('narrow-password'),
    ]);
    try {
      const before = await errorstat(server, 'NOPERM');
      for (let i = 0; i < 20; i += 1) {
        const metrics = await exporter.scrape();
        expect(metrics.value('valkey_up')).toBe(1);
        expect(metrics.value('valkey_exporter_collector_success', { collector: 'acl-log' })).toBe(0);
        expect(metrics.value('valkey_exporter_collector_success', { collector: 'info' })).toBe(1);
      }
      expect((await errorstat(server, 'NOPERM')) - before).toBe(1);
      const refusals = exporter.logs.filter((line) => line.includes('command refused by the server; not sent again on this connection'));
      expect(refusals).toHaveLength(1);
      expect(refusals[0]).toContain('command="ACL LOG"');
    } finally {
      await exporter.close();
    }
  });

  test('LATENCY LATEST events in seconds', async () => {
    await server.admin().call('DEBUG', 'SLEEP', '0.05');
    const exporter = await startTestExporter(['--valkey.addr', server.url]);
    try {
      const metrics = await exporter.scrape();
      expect(metrics.value('valkey_latency_spike_duration_seconds', { event_name: 'command' })).toBeGreaterThanOrEqual(0.05);
      expect(metrics.value('valkey_latency_spike_max_duration_seconds', { event_name: 'command' })).toBeGreaterThanOrEqual(0.05);
      expect(metrics.value('valkey_latency_spike_last_timestamp_seconds', { event_name: 'command' })).toBeGreaterThan(Date.now() / 1000 - 60);
      expect(metrics.value('valkey_security_debug_command_enabled')).toBe(1);
    } finally {
      await exporter.close();
    }
  });

  test('--namespace redis serves redis_exporter-style names', async () => {
    const exporter = await startTestExporter(['--valkey.addr', server.url, '--namespace', 'redis']);
    try {
      const metrics = await exporter.scrape();
      expect(metrics.value('redis_up')).toBe(1);
      expect(metrics.value('redis_memory_max_bytes')).toBe(0);
      expect(metrics.value('redis_connected_slaves')).toBe(0);
      // The exporter's own process_* and nodejs_* metrics carry no namespace, as in every client library.
      expect(metrics.samples.filter((sample) => !/^(redis|process|nodejs)_/.test(sample.name))).toEqual([]);
      expect(metrics.value('process_resident_memory_bytes')).toBeGreaterThan(0);
    } finally {
      await exporter.close();
    }
  });
});
