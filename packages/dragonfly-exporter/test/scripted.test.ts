import { allSucceeded } from '@keepwatch/testing';
import { type DragonflyStandIn, startDragonflyStandIn } from '@keepwatch/testing/dragonfly-standin';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { dragonflyAclRules } from '../src/acl.ts';
import { dragonflyExporter } from '../src/definition.ts';
import { startTestExporter, type TestExporter } from './harness/exporter.ts';

const password = 'canary-Pa55word-7f3e';

/** A client of the stand-in, the way an application or an attacker would connect. */
async function client(dragonfly: DragonflyStandIn): Promise<Redis> {
  const redis = new Redis({
    port: dragonfly.port,
    host: '127.0.0.1',
    lazyConnect: true,
    protocol: 2,
    disableClientInfo: true,
    enableReadyCheck: false,
    maxRetriesPerRequest: 0,
  });
  await redis.connect();
  return redis;
}

describe('a Dragonfly that changes between scrapes', () => {
  let dragonfly: DragonflyStandIn;
  let exporter: TestExporter;
  const clients: Redis[] = [];

  beforeAll(async () => {
    dragonfly = await startDragonflyStandIn({
      requirepass: password,
      users: { keepwatch: { password, rules: dragonflyAclRules() }, app: { password: 'app-secret', rules: ['+get', '+set'] } },
    });
    exporter = await startTestExporter(['--dragonfly.addr', dragonfly.url, '--dragonfly.user', 'keepwatch'], { DRAGONFLY_PASSWORD: password });
  });
  afterEach(() => {
    for (const redis of clients.splice(0)) redis.disconnect();
  });
  afterAll(async () => {
    await exporter.close();
    await dragonfly.close();
  });

  test('counters rise by exactly what happened', async () => {
    const before = await exporter.scrape();
    dragonfly.bump('Stats', 'keyspace_hits', 100);
    dragonfly.bump('Stats', 'evicted_keys', 7);
    const after = await exporter.scrape();
    expect((after.value('dragonfly_keyspace_hits_total') ?? 0) - (before.value('dragonfly_keyspace_hits_total') ?? 0)).toBe(100);
    expect((after.value('dragonfly_evicted_keys_total') ?? 0) - (before.value('dragonfly_evicted_keys_total') ?? 0)).toBe(7);
  });

  test('a replica moves from full_sync to online', async () => {
    const replica = { slave_ip: '10.0.2.14', slave_port: '6379' };
    dragonfly.setReplicaState(0, 'full_sync');
    let metrics = await exporter.scrape();
    expect(metrics.value('dragonfly_connected_slave_state', { ...replica, state: 'full_sync' })).toBe(1);
    expect(metrics.value('dragonfly_connected_slave_state', { ...replica, state: 'online' })).toBe(0);
    dragonfly.setReplicaState(0, 'online', 42);
    metrics = await exporter.scrape();
    expect(metrics.value('dragonfly_connected_slave_state', { ...replica, state: 'online' })).toBe(1);
    expect(metrics.value('dragonfly_connected_slave_lag_records', replica)).toBe(42);
  });

  test('three wrong passwords: auth failures and ACL LOG auth events rise by three, each counted once', async () => {
    const before = await exporter.scrape();
    const attacker = await client(dragonfly);
    clients.push(attacker);
    for (const attempt of ['a', 'b', 'c']) await expect(attacker.call('AUTH', 'default', attempt)).rejects.toThrow(/WRONGPASS/);
    const after = await exporter.scrape();
    const again = await exporter.scrape();
    const delta = (name: string, labels?: Record<string, string>) => (after.value(name, labels) ?? 0) - (before.value(name, labels) ?? 0);
    expect(delta('dragonfly_auth_failures_total')).toBe(3);
    expect(delta('dragonfly_errors_total', { err: 'no_auth' })).toBe(3);
    expect(delta('dragonfly_acl_log_events_total', { reason: 'auth', user: 'default' })).toBe(3);
    expect(again.value('dragonfly_acl_log_events_total', { reason: 'auth', user: 'default' })).toBe(
      after.value('dragonfly_acl_log_events_total', { reason: 'auth', user: 'default' }),
    );
    expect(after.text).not.toContain(password);
    expect(exporter.logs.join('\n')).not.toContain(password);
  });

  // Upstream v1.40.0: Service::VerifyCommandState answers NOAUTH with the no_auth kind and writes no ACL LOG
  // entry; ServerFamily::Auth writes one (reason AUTH) for each failed AUTH. The brute-force alert reads the latter.
  test('commands sent without credentials count as no_auth errors, not as ACL LOG auth events', async () => {
    const before = await exporter.scrape();
    const anonymous = await client(dragonfly);
    clients.push(anonymous);
    for (let i = 0; i < 4; i += 1) await expect(anonymous.call('DBSIZE')).rejects.toThrow(/NOAUTH Authentication required/);
    const after = await exporter.scrape();
    const delta = (name: string, labels?: Record<string, string>) => (after.value(name, labels) ?? 0) - (before.value(name, labels) ?? 0);
    expect(delta('dragonfly_errors_total', { err: 'no_auth' })).toBe(4);
    expect(delta('dragonfly_auth_failures_total')).toBe(4);
    expect(delta('dragonfly_acl_log_events_total', { reason: 'auth', context: 'toplevel', user: 'default' })).toBe(0);
  });

  test('commands denied by ACL: one NOPERM error and one command event for that user each', async () => {
    const before = await exporter.scrape();
    const app = await client(dragonfly);
    clients.push(app);
    await app.call('AUTH', 'app', 'app-secret');
    await app.call('SET', 'k', 'v');
    await expect(app.call('FLUSHALL')).rejects.toThrow(/NOPERM app has no ACL permissions/);
    await expect(app.call('INFO')).rejects.toThrow(/NOPERM app has no ACL permissions/);
    const after = await exporter.scrape();
    expect((after.value('dragonfly_errors_total', { err: 'NOPERM' }) ?? 0) - (before.value('dragonfly_errors_total', { err: 'NOPERM' }) ?? 0)).toBe(2);
    expect(after.value('dragonfly_acl_log_events_total', { reason: 'command', user: 'app' })).toBe(2);
  });

  test('under the generated least-privilege user, every collector succeeds and no NOPERM is caused', async () => {
    const before = dragonfly.errorstats();
    const metrics = await exporter.scrape();
    expect(metrics.collectorSuccess('dragonfly')).toEqual(allSucceeded(dragonflyExporter.collectors.map((collector) => collector.name)));
    expect(metrics.value('dragonfly_security_requirepass_set')).toBe(1);
    expect(metrics.value('dragonfly_security_default_user_nopass')).toBe(0);
    expect(dragonfly.errorstats()).toEqual(before);
  });

  test('a restart resets the counters; ACL LOG tracking starts again and counts new events once', async () => {
    const before = await exporter.scrape();
    expect(before.value('dragonfly_commands_total', { cmd: 'get' })).toBe(812345678);
    dragonfly.restart();
    const attacker = await client(dragonfly);
    clients.push(attacker);
    const after = await exporter.scrape();
    expect(after.value('dragonfly_up')).toBe(1);
    expect(after.value('dragonfly_uptime_in_seconds')).toBe(1);
    expect(after.value('dragonfly_commands_total', { cmd: 'get' })).toBeUndefined();
    await expect(attacker.call('AUTH', 'default', 'wrong')).rejects.toThrow(/WRONGPASS/);
    const last = await exporter.scrape();
    const auth = { reason: 'auth', user: 'default' };
    expect((last.value('dragonfly_acl_log_events_total', auth) ?? 0) - (before.value('dragonfly_acl_log_events_total', auth) ?? 0)).toBe(1);
    expect(last.value('dragonfly_auth_failures_total')).toBe(1);
  });
});

describe('a Dragonfly replica', () => {
  test('role, link and offset come from its replication section', async () => {
    const dragonfly = await startDragonflyStandIn({ role: 'replica' });
    const exporter = await startTestExporter(['--dragonfly.addr', dragonfly.url]);
    try {
      const metrics = await exporter.scrape();
      expect(metrics.value('dragonfly_instance_role', { role: 'slave' })).toBe(1);
      expect(metrics.value('dragonfly_master_link_up')).toBe(1);
      expect(metrics.value('dragonfly_slave_repl_offset')).toBe(512345678);
      expect(metrics.value('dragonfly_psync_attempts_total')).toBe(0);
      expect(metrics.all('dragonfly_replication_streaming_buffer_bytes')).toEqual([]);
      dragonfly.set('Replication', 'master_link_status', 'down');
      expect((await exporter.scrape()).value('dragonfly_master_link_up')).toBe(0);
    } finally {
      await exporter.close();
      await dragonfly.close();
    }
  });
});
