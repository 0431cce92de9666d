import { build, serverBuilds } from '@keepwatch/testing/builds';
import { type ServerHandle, startServer } from '@keepwatch/testing/servers';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { valkeyAclRules, valkeyKeyCheckAclRules } from '../src/acl.ts';
import { type Metrics, parseMetrics, startTestExporter, type TestExporter } from './harness/exporter.ts';
import { startRedisExporter } from './harness/redis-exporter.ts';

const users = 300;

/** A keyspace with every type, in two databases, and a stream with a group that has unacknowledged entries. */
async function fillKeyspace(server: ServerHandle): Promise<{ pendingIds: string[] }> {
  const admin = server.admin();
  const pipeline = admin.pipeline();
  for (let i = 0; i < users; i += 1) pipeline.set(`user:${i}`, String(i));
  pipeline.rpush('queue:a', 'a', 'b', 'c', 'd', 'e');
  pipeline.sadd('set:a', 'x', 'y', 'z');
  pipeline.zadd('zset:a', 1, 'x', 2, 'y');
  pipeline.hset('hash:a', 'f1', 'v1', 'f2', 'v2', 'f3', 'v3', 'f4', 'v4');
  pipeline.set('greeting', 'hello world');
  pipeline.pfadd('visitors', 'a', 'b', 'c');
  for (let i = 0; i < 10; i += 1) pipeline.xadd('events', '*', 'n', String(i));
  pipeline.xgroup('CREATE', 'events', 'workers', '0');
  pipeline.xgroup('CREATE', 'events', 'idle', '$');
  await pipeline.exec();
  const read = (await admin.xreadgroup('GROUP', 'workers', 'w1', 'COUNT', '3', 'STREAMS', 'events', '>')) as [string, [string, string[]][]][];
  await admin.select(1);
  for (let i = 0; i < 20; i += 1) await admin.set(`other:${i}`, 'v');
  await admin.xadd('jobs', '*', 'n', '1');
  await admin.select(0);
  return { pendingIds: (read[0]?.[1] ?? []).map(([id]) => id) };
}

const keyFlags = [
  ...['--collector.keys.check', 'user:1*,queue:a,set:a,zset:a,hash:a,greeting,visitors,db1=other:*'],
  ...['--collector.keys.check-single', 'missing'],
  ...['--collector.keys.count', 'user:*,db1=other:*'],
  ...['--collector.key-groups.patterns', '^(user):,^(%a+):'],
  ...['--collector.streams.check', 'events,db1=j*'],
];

/** Scrapes until every SCAN pass of the collector has finished once; the budget makes them span scrapes. */
async function untilPassesFinish(exporter: TestExporter, family: string): Promise<Metrics> {
  for (let i = 0; i < 50; i += 1) {
    const metrics = await exporter.scrape();
    const passes = metrics.all(family);
    if (passes.length > 0 && passes.every((sample) => sample.value >= 1)) return metrics;
  }
  throw new Error(`${family}: passes did not finish in 50 scrapes`);
}

describe.each([build('valkey-8.0'), build('redis-7.0'), ...serverBuilds.filter((entry) => entry.id === 'valkey-9.1')])(
  'key, key-group and stream checks on a real $id server',
  (serverBuild) => {
    let server: ServerHandle;
    let exporter: TestExporter;
    let pendingIds: string[];

    beforeAll(async () => {
      server = await startServer(serverBuild);
      ({ pendingIds } = await fillKeyspace(server));
      exporter = await startTestExporter([
        ...['--valkey.addr', server.url, ...keyFlags, '--collector.keys.export-values'],
        // 50 keys per SCAN and 100 per scrape: the ~330 keys of db0 take several scrapes.
        ...['--collector.keys.scan-count', '50', '--collector.keys.scan-budget', '100'],
      ]);
    });

    afterAll(async () => {
      await exporter?.close();
      await server?.dispose();
    });

    test('patterns are counted only once a SCAN pass has finished, then exactly', async () => {
      const first = await exporter.scrape();
      expect(first.value('valkey_keys_count', { db: 'db0', key: 'user:*' })).toBeUndefined();
      expect(first.value('valkey_keys_scan_passes_total', { db: 'db0', pattern: 'user:*' })).toBe(0);
      const metrics = await untilPassesFinish(exporter, 'valkey_keys_scan_passes_total');
      expect(metrics.value('valkey_keys_count', { db: 'db0', key: 'user:*' })).toBe(users);
      expect(metrics.value('valkey_keys_count', { db: 'db1', key: 'other:*' })).toBe(20);
      expect(metrics.collectorSuccess('valkey')).toMatchObject({ keys: 1, 'key-groups': 1, streams: 1 });
    });

    test("each checked key's size and memory are what the server says, by type", async () => {
      const metrics = await untilPassesFinish(exporter, 'valkey_keys_scan_passes_total');
      const admin = server.admin();
      const sizes = {
        'queue:a': await admin.llen('queue:a'),
        'set:a': await admin.scard('set:a'),
        'zset:a': await admin.zcard('zset:a'),
        'hash:a': await admin.hlen('hash:a'),
      };
      for (const [key, size] of Object.entries(sizes)) expect(metrics.value('valkey_key_size', { db: 'db0', key })).toBe(size);
      expect(metrics.value('valkey_key_size', { db: 'db0', key: 'greeting' })).toBe('hello world'.length);
      expect(metrics.value('valkey_key_size', { db: 'db0', key: 'missing' })).toBe(0);
      // user:1* is user:1, user:10-19 and user:100-199.
      expect(metrics.all('valkey_key_size').filter((sample) => sample.labels.key?.startsWith('user:')).length).toBe(111);
      expect(metrics.all('valkey_key_size').filter((sample) => sample.labels.db === 'db1').length).toBe(20);
      for (const key of ['queue:a', 'hash:a', 'user:150']) {
        expect(metrics.value('valkey_key_memory_usage_bytes', { db: 'db0', key })).toBe(await admin.memory('USAGE', key));
      }
    });

    test('values only of short strings: numbers as key_value, text as key_value_as_string, never a HyperLogLog', async () => {
      const metrics = await exporter.scrape();
      expect(metrics.value('valkey_key_value', { db: 'db0', key: 'user:150' })).toBe(150);
      expect(metrics.value('valkey_key_value_as_string', { db: 'db0', key: 'greeting', val: 'hello world' })).toBe(1);
      expect(metrics.all('valkey_key_value_as_string').filter((sample) => sample.labels.key === 'visitors')).toEqual([]);
      expect(metrics.value('valkey_key_value', { db: 'db0', key: 'visitors' })).toBeUndefined();
    });

    test('key groups: keys and memory per captured group, unmatched keys as unclassified', async () => {
      const metrics = await untilPassesFinish(exporter, 'valkey_key_groups_scan_passes_total');
      const admin = server.admin();
      expect(metrics.value('valkey_key_group_count', { db: 'db0', key_group: 'user' })).toBe(users);
      let memory = 0;
      for (let i = 0; i < users; i += 1) memory += Number(await admin.memory('USAGE', `user:${i}`));
      expect(metrics.value('valkey_key_group_memory_usage_bytes', { db: 'db0', key_group: 'user' })).toBe(memory);
      for (const group of ['queue', 'set', 'zset', 'hash']) expect(metrics.value('valkey_key_group_count', { db: 'db0', key_group: group })).toBe(1);
      expect(metrics.value('valkey_key_group_count', { db: 'db0', key_group: 'unclassified' })).toBe(3);
      expect(metrics.value('valkey_number_of_distinct_key_groups', { db: 'db0' })).toBe(6);
      expect(metrics.value('valkey_key_group_count', { db: 'db1', key_group: 'other' })).toBe(20);
    });

    test('streams: length, groups, lag, pending entries and the oldest unacknowledged entry, as XINFO says', async () => {
      const metrics = await untilPassesFinish(exporter, 'valkey_streams_scan_passes_total');
      const labels = { db: 'db0', stream: 'events' };
      expect(metrics.value('valkey_stream_length', labels)).toBe(10);
      expect(metrics.value('valkey_stream_groups', labels)).toBe(2);
      expect(metrics.value('valkey_stream_group_messages_pending', { ...labels, group: 'workers' })).toBe(3);
      expect(metrics.value('valkey_stream_group_consumer_messages_pending', { ...labels, group: 'workers', consumer: 'w1' })).toBe(3);
      expect(metrics.value('valkey_stream_group_lag', { ...labels, group: 'workers' })).toBe(7);
      expect(metrics.value('valkey_stream_group_lag', { ...labels, group: 'idle' })).toBe(0);
      expect(metrics.value('valkey_stream_group_oldest_pending_timestamp_seconds', { ...labels, group: 'workers' })).toBe(
        Number(pendingIds[0]?.split('-')[0]) / 1000,
      );
      expect(metrics.value('valkey_stream_group_oldest_pending_timestamp_seconds', { ...labels, group: 'idle' })).toBeUndefined();
      expect(metrics.value('valkey_stream_length', { db: 'db1', stream: 'jobs' })).toBe(1);
    });

    test('the least-privilege user plus the documented key-check rules and %R~* reads it all without one error on the server', async () => {
      const admin = server.admin();
      const extra = valkeyKeyCheckAclRules().flatMap((entry) => entry.rules);
      await admin.call('ACL', 'SETUSER', 'checker', 'reset', ...valkeyAclRules(serverBuild), ...extra, '%R~*', '>checker-password');
      await admin.call('CONFIG', 'RESETSTAT');
      const limited = await startTestExporter([...['--valkey.addr', server.url, '--valkey.user', 'checker', ...keyFlags]], {
        VALKEY_PASSWORD: 'checker-password',
      });
      try {
        await untilPassesFinish(limited, 'valkey_keys_scan_passes_total');
        const metrics = await limited.scrape();
        expect(metrics.collectorSuccess('valkey')).toMatchObject({ keys: 1, 'key-groups': 1, streams: 1 });
        expect(metrics.value('valkey_keys_count', { db: 'db0', key: 'user:*' })).toBe(users);
        const errors = String(await admin.info('errorstats'))
          .trim()
          .split('\n')
          .slice(1);
        expect(errors).toEqual([]);
      } finally {
        await limited.close();
      }
    });

    test('the same values as redis_exporter 1.69 with the same flags', async () => {
      const incumbent = await startRedisExporter(server.url, [
        ...['--check-keys', 'user:1*,queue:a,set:a,zset:a,hash:a,greeting,db1=other:*', '--count-keys', 'user:*,db1=other:*'],
        ...['--check-streams', 'events,db1=j*'],
      ]);
      let theirs: Metrics;
      try {
        theirs = parseMetrics(await incumbent.scrape());
      } finally {
        incumbent.close();
      }
      const ours = await untilPassesFinish(exporter, 'valkey_streams_scan_passes_total');
      const compared = [
        'key_size',
        'key_memory_usage_bytes',
        'keys_count',
        'key_value',
        'key_value_as_string',
        'stream_length',
        'stream_groups',
        'stream_group_messages_pending',
        'stream_group_lag',
        'stream_group_consumer_messages_pending',
      ];
      for (const family of compared) {
        const expected = theirs.all(`redis_${family}`).map((sample) => ({ labels: sample.labels, value: sample.value }));
        // Where keepwatch differs, as its README says: `visitors` (a HyperLogLog; redis_exporter's size is PFCOUNT,
        // which needs write access), `missing` (key_size 0; redis_exporter's pipelined path emits nothing), and
        // keys_count of check patterns too (user:1*), so keys beyond --collector.keys.max-keys are not invisible.
        const differs = (labels: Record<string, string>) => ['visitors', 'missing', 'user:1*'].includes(labels.key ?? '');
        const actual = ours
          .all(`valkey_${family}`)
          .filter((sample) => !differs(sample.labels))
          .map((sample) => ({ labels: sample.labels, value: sample.value }));
        expect.soft(actual.sort(byLabels), family).toEqual(expected.sort(byLabels));
      }
    });
  },
);

const byLabels = (a: { labels: Record<string, string> }, b: { labels: Record<string, string> }) =>
  JSON.stringify(a.labels).localeCompare(JSON.stringify(b.labels));
