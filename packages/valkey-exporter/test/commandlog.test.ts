import { atLeast, serverBuilds } from '@keepwatch/testing/builds';
import { type ServerHandle, startServer } from '@keepwatch/testing/servers';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestExporter, type TestExporter } from './harness/exporter.ts';

const hasCommandlog = (build: (typeof serverBuilds)[number]) => build.flavour === 'valkey' && atLeast(build, '8.1');

describe.each(serverBuilds.filter(hasCommandlog))('COMMANDLOG on a real $id server', (build) => {
  let server: ServerHandle;
  let exporter: TestExporter;
  const value = 'x'.repeat(20_000);

  beforeAll(async () => {
    server = await startServer(build, {
      args: [
        // Above INFO ALL's reply (about 7 KB): the exporter's own commands are not logged.
        ...['--commandlog-request-larger-than', '16384', '--commandlog-reply-larger-than', '16384'],
        ...['--commandlog-execution-slower-than', '10000', '--enable-debug-command', 'local'],
      ],
    });
    exporter = await startTestExporter(['--valkey.addr', server.url]);
  });

  afterAll(async () => {
    await exporter?.close();
    await server?.dispose();
  });

  const entries = async () => {
    const metrics = await exporter.scrape();
    expect(metrics.value('valkey_exporter_collector_success', { collector: 'commandlog' })).toBe(1);
    return Object.fromEntries(['slow', 'large-request', 'large-reply'].map((type) => [type, metrics.value('valkey_commandlog_entries_total', { type }) ?? -1]));
  };
  const since = (before: Record<string, number>, after: Record<string, number>) =>
    Object.fromEntries(Object.keys(after).map((type) => [type, (after[type] ?? 0) - (before[type] ?? 0)]));

  test('new entries of each type are counted exactly once, with the latest size and duration', async () => {
    const before = await entries();
    const admin = server.admin();
    for (let i = 0; i < 3; i += 1) await admin.set('big', value);
    for (let i = 0; i < 2; i += 1) await admin.get('big');
    for (let i = 0; i < 2; i += 1) await admin.call('DEBUG', 'SLEEP', '0.02');
    const after = await entries();
    expect(since(before, after)).toEqual({ slow: 2, 'large-request': 3, 'large-reply': 2 });
    expect(since(after, await entries())).toEqual({ slow: 0, 'large-request': 0, 'large-reply': 0 });
    const metrics = await exporter.scrape();
    expect(metrics.value('valkey_commandlog_last_large_request_bytes')).toBeGreaterThanOrEqual(value.length);
    expect(metrics.value('valkey_commandlog_last_large_reply_bytes')).toBeGreaterThanOrEqual(value.length);
    expect(metrics.value('valkey_commandlog_last_slow_duration_seconds')).toBeGreaterThanOrEqual(0.02);
    expect(metrics.value('valkey_commandlog_last_slow_duration_seconds')).toBeLessThan(1);
  });

  test('entries trimmed by max-len before a scrape are counted; entries a COMMANDLOG RESET removed are counted with the next one', async () => {
    const admin = server.admin();
    await admin.call('CONFIG', 'SET', 'commandlog-large-request-max-len', '2');
    const before = await entries();
    for (let i = 0; i < 5; i += 1) await admin.set('big', value);
    const trimmed = await entries();
    expect(since(before, trimmed)['large-request']).toBe(5);
    for (let i = 0; i < 4; i += 1) await admin.set('big', value);
    await admin.call('COMMANDLOG', 'RESET', 'large-request');
    // An empty log says nothing of what was in it; the ids run on, so the next entry brings them in.
    const reset = await entries();
    expect(since(trimmed, reset)['large-request']).toBe(0);
    await admin.set('big', value);
    expect(since(reset, await entries())['large-request']).toBe(5);
  });

  test('a server restart numbers entries from 0 again: the counters keep counting up', async () => {
    const before = await entries();
    await server.stop();
    await server.restart();
    await server.admin().set('big', value);
    let after = before;
    for (let attempt = 0; attempt < 50 && after['large-request'] === before['large-request']; attempt += 1) {
      after = await entries().catch(() => before);
      if (after['large-request'] === before['large-request']) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(since(before, after)).toEqual({ slow: 0, 'large-request': 1, 'large-reply': 0 });
  });
});

describe.each(serverBuilds.filter((build) => !hasCommandlog(build)))('a real $id server without COMMANDLOG', (build) => {
  test('is not sent it: no series, no error reply', async () => {
    const server = await startServer(build);
    const exporter = await startTestExporter(['--valkey.addr', server.url]);
    try {
      const metrics = await exporter.scrape();
      expect(metrics.value('valkey_exporter_collector_success', { collector: 'commandlog' })).toBe(1);
      expect(metrics.text).not.toMatch(/^valkey_commandlog_/m);
      expect(await server.admin().info('errorstats')).not.toMatch(/errorstat_/);
    } finally {
      await exporter.close();
      await server.dispose();
    }
  });
});
