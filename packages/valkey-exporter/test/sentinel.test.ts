import { waitFor } from '@keepwatch/testing';
import { build } from '@keepwatch/testing/builds';
import { masterFields, masterName, startSentinels } from '@keepwatch/testing/sentinel';
import { type ServerHandle, startServer } from '@keepwatch/testing/servers';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sentinelAclRules } from '../src/acl.ts';
import { parseMetrics, startTestExporter, type TestExporter } from './harness/exporter.ts';
import { parityProblems, startRedisExporter, uncaptured } from './harness/redis-exporter.ts';

describe.each([build('valkey-8.0'), build('redis-7.0')])('pointed at a real $id Sentinel of a primary, a replica and three Sentinels', (serverBuild) => {
  let primary: ServerHandle;
  let replica: ServerHandle;
  let sentinels: ServerHandle[];
  let exporter: TestExporter;
  const labels = () => ({ master_name: masterName, master_address: `127.0.0.1:${primary.port}` });

  beforeAll(async () => {
    primary = await startServer(serverBuild);
    replica = await startServer(serverBuild, { args: ['--replicaof', '127.0.0.1', String(primary.port)] });
    sentinels = await startSentinels(primary, { count: 3, replicas: 1 });
    const [first] = sentinels;
    if (first === undefined) throw new Error('no sentinel');
    await first.admin().call('ACL', 'SETUSER', 'exporter', ...sentinelAclRules(), '>sentinel-exporter-password');
    exporter = await startTestExporter(['--valkey.addr', first.url, '--valkey.user', 'exporter'], { VALKEY_PASSWORD: 'sentinel-exporter-password' });
  }, 60_000);

  afterAll(async () => {
    await exporter?.close();
    for (const server of [...(sentinels ?? []), replica, primary]) await server?.dispose();
  });

  test('detected as a Sentinel: only info, auth and sentinel run, under the documented ACL rules, with no error reply', async () => {
    const metrics = await exporter.scrape();
    expect(metrics.value('valkey_up')).toBe(1);
    expect(metrics.value('valkey_instance_info', { mode: 'sentinel' })).toBe(1);
    expect(metrics.collectorSuccess('valkey')).toEqual({ info: 1, auth: 1, sentinel: 1 });
    expect(metrics.value('valkey_exporter_unknown_info_fields')).toBe(0);
    expect(metrics.value('valkey_sentinel_masters')).toBe(1);
    expect(metrics.value('valkey_sentinel_tilt')).toBe(0);
    expect(String(await sentinels[0]?.admin().info('stats'))).toMatch(/total_error_replies:0\r?\n/);
  });

  test("each master's state, replicas, Sentinels, quorum and settings, as SENTINEL MASTER says", async () => {
    const metrics = await exporter.scrape();
    const [first] = sentinels;
    const fields = await masterFields(first as ServerHandle);
    expect(metrics.value('valkey_sentinel_master_status', { ...labels(), master_status: 'ok' })).toBe(1);
    expect(metrics.value('valkey_sentinel_master_slaves', labels())).toBe(1);
    expect(metrics.value('valkey_sentinel_master_ok_slaves', labels())).toBe(1);
    expect(metrics.value('valkey_sentinel_master_sentinels', labels())).toBe(3);
    expect(metrics.value('valkey_sentinel_master_ok_sentinels', labels())).toBe(3);
    expect(metrics.value('valkey_sentinel_master_setting_ckquorum', labels())).toBe(Number(fields.get('quorum')));
    expect(metrics.value('valkey_sentinel_master_ckquorum_ok', labels())).toBe(1);
    expect(metrics.value('valkey_sentinel_master_setting_down_after_seconds', labels())).toBe(1);
    expect(metrics.value('valkey_sentinel_master_setting_failover_timeout_seconds', labels())).toBe(5);
    expect(metrics.value('valkey_sentinel_master_config_epoch', { master_name: masterName })).toBe(Number(fields.get('config-epoch')));
  });

  test('beside redis_exporter 1.69: its families are in the README comparison and hold, with the same values where named alike', async () => {
    const incumbent = await startRedisExporter(sentinels[0]?.url ?? '');
    let theirs: ReturnType<typeof parseMetrics>;
    try {
      theirs = parseMetrics(await incumbent.scrape());
    } finally {
      incumbent.close();
    }
    const dropIn = await startTestExporter(['--valkey.addr', sentinels[0]?.url ?? '', '--namespace', 'redis']);
    try {
      const keepwatch = (await dropIn.scrape()).types;
      expect(uncaptured(theirs.types)).toEqual([]);
      // redis_exporter writes db0 with zero keys for every server; a Sentinel has no keyspace, and keepwatch says nothing.
      expect(theirs.value('redis_db_keys', { db: 'db0' })).toBe(0);
      const keyspace = new Set(['redis_db_keys', 'redis_db_keys_expiring']);
      expect(parityProblems(new Map([...theirs.types].filter(([name]) => !keyspace.has(name))), keepwatch)).toEqual([]);
    } finally {
      await dropIn.close();
    }
    const ours = await exporter.scrape();
    const families = [
      'sentinel_masters',
      'sentinel_tilt',
      'sentinel_master_status',
      'sentinel_master_slaves',
      'sentinel_master_sentinels',
      'sentinel_master_ok_slaves',
      'sentinel_master_ok_sentinels',
      'sentinel_master_setting_ckquorum',
      'sentinel_master_setting_parallel_syncs',
    ];
    for (const family of families) {
      const pick = (samples: { labels: Record<string, string>; value: number }[]) => samples.map((sample) => ({ labels: sample.labels, value: sample.value }));
      expect.soft(pick(ours.all(`valkey_${family}`)), family).toEqual(pick(theirs.all(`redis_${family}`)));
    }
  });

  test('a failover: the primary dies, the replica is promoted, the epoch rises and the old primary is a replica that is down', async () => {
    const before = (await exporter.scrape()).value('valkey_sentinel_master_config_epoch', { master_name: masterName }) ?? -1;
    const oldAddress = `127.0.0.1:${primary.port}`;
    await primary.stop();
    const promoted = `127.0.0.1:${replica.port}`;
    const metrics = await waitFor(
      'failover to the replica',
      async () => {
        const scraped = await exporter.scrape();
        return scraped.value('valkey_sentinel_master_status', { master_name: masterName, master_address: promoted, master_status: 'ok' }) === 1
          ? scraped
          : undefined;
      },
      600,
    );
    expect(metrics.value('valkey_sentinel_master_config_epoch', { master_name: masterName })).toBeGreaterThan(before);
    expect(metrics.all('valkey_sentinel_master_status').filter((sample) => sample.labels.master_address === oldAddress)).toEqual([]);
    expect(metrics.value('valkey_sentinel_master_slaves', { master_name: masterName, master_address: promoted })).toBe(1);
    // The old primary is listed as a replica of the new one, and seen down once down-after (1 s) has passed.
    await waitFor('the old primary seen down as a replica', async () => {
      const scraped = await exporter.scrape();
      return scraped.value('valkey_sentinel_master_ok_slaves', { master_name: masterName, master_address: promoted }) === 0 ? true : undefined;
    });
  }, 60_000);
});
