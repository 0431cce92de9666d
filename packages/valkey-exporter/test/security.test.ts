import { atLeast, serverBuilds } from '@keepwatch/testing/builds';
import { startTopology, type Topology } from '@keepwatch/testing/valkey-topology';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { valkeyAclRules } from '../src/acl.ts';
import { type Metrics, startTestExporter, type TestExporter } from './harness/exporter.ts';

/** One connection attempt with the given credentials; resolves once the server answered AUTH. */
async function tryLogin(topology: Topology, username: string, password: string): Promise<string> {
  const client = new Redis({
    host: '127.0.0.1',
    port: topology.primary.port,
    protocol: 2,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    disableClientInfo: true,
    enableReadyCheck: false,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    return await client.call('AUTH', username, password).then(String, (error: Error) => error.message);
  } finally {
    client.disconnect();
  }
}

const delta = (before: Metrics, after: Metrics, name: string, labels?: Record<string, string>) =>
  (after.value(name, labels) ?? 0) - (before.value(name, labels) ?? 0);

describe.each(serverBuilds)('security signals on a real $id server', (build) => {
  const flavour = build.flavour;
  // INFO's acl_access_denied_* arrived in Redis 7.2 and are in every Valkey (captures in fixtures/valkey).
  const aclDeniedStats = flavour === 'valkey' || atLeast(build, '7.2');
  let topology: Topology;
  let exporter: TestExporter;

  beforeAll(async () => {
    topology = await startTopology(build, valkeyAclRules);
    exporter = await startTestExporter(topology.exporterArgs());
  });

  afterAll(async () => {
    await exporter?.close();
    await topology?.dispose();
  });

  test('three wrong passwords raise the auth-failure counters by exactly three', async () => {
    const before = await exporter.scrape();
    for (let i = 0; i < 3; i += 1) expect(await tryLogin(topology, 'alice', `wrong-${i}`)).toMatch(/^WRONGPASS/);
    const after = await exporter.scrape();
    expect(delta(before, after, 'valkey_auth_failures_total')).toBe(3);
    expect(after.value('valkey_auth_failures_source_info', { source: aclDeniedStats ? 'acl_access_denied_auth' : 'errorstat_WRONGPASS' })).toBe(1);
    expect(delta(before, after, 'valkey_acl_log_events_total', { reason: 'auth', context: 'toplevel', user: 'alice' })).toBe(3);
    expect(delta(before, after, 'valkey_errors_total', { err: 'WRONGPASS' })).toBe(3);
    if (aclDeniedStats) expect(delta(before, after, 'valkey_acl_access_denied_auth_total')).toBe(3);
    // Counted once: a scrape with nothing new adds nothing.
    const again = await exporter.scrape();
    expect(delta(after, again, 'valkey_acl_log_events_total', { reason: 'auth', context: 'toplevel', user: 'alice' })).toBe(0);
  });

  test('an ACL-denied command is counted by reason and user, and in commandstats as rejected', async () => {
    const alice = topology.primary.connect({ username: 'alice', password: 'alice-password' });
    const before = await exporter.scrape();
    await expect(alice.call('DEL', 'app:x')).rejects.toThrow(/NOPERM/);
    await expect(alice.call('GET', 'secret:key')).rejects.toThrow(/NOPERM/);
    const after = await exporter.scrape();
    expect(delta(before, after, 'valkey_acl_log_events_total', { reason: 'command', context: 'toplevel', user: 'alice' })).toBe(1);
    expect(delta(before, after, 'valkey_acl_log_events_total', { reason: 'key', context: 'toplevel', user: 'alice' })).toBe(1);
    expect(delta(before, after, 'valkey_errors_total', { err: 'NOPERM' })).toBe(2);
    expect(delta(before, after, 'valkey_commands_rejected_calls_total', { cmd: 'del' })).toBe(1);
    if (aclDeniedStats) {
      expect(delta(before, after, 'valkey_acl_access_denied_cmd_total')).toBe(1);
      expect(delta(before, after, 'valkey_acl_access_denied_key_total')).toBe(1);
    }
  });

  // Valkey 9.0 added database ACLs (`db=`): a denied SELECT is ACL LOG reason "database" and acl_access_denied_db.
  if (flavour === 'valkey' && atLeast(build, '9.0')) {
    test('a database the user may not select is an ACL denial (Valkey 9 db= rules)', async () => {
      await topology.primary.admin().call('ACL', 'SETUSER', 'dbuser', 'on', '>dbuser-password', '~*', '+@all', 'db=0');
      const dbuser = topology.primary.connect({ username: 'dbuser', password: 'dbuser-password' });
      const before = await exporter.scrape();
      await expect(dbuser.call('SELECT', '1')).rejects.toThrow(/NOPERM/);
      const after = await exporter.scrape();
      expect(delta(before, after, 'valkey_acl_log_events_total', { reason: 'database', context: 'toplevel', user: 'dbuser' })).toBe(1);
      expect(delta(before, after, 'valkey_acl_access_denied_db_total')).toBe(1);
    });
  }

  test('dangerous commands have their own counters, executed and refused', async () => {
    const admin = topology.primary.admin();
    const alice = topology.primary.connect({ username: 'alice', password: 'alice-password' });
    const before = await exporter.scrape();
    await admin.flushdb();
    await admin.config('SET', 'maxmemory-policy', 'allkeys-lru');
    await admin.config('SET', 'maxmemory-policy', 'noeviction');
    await expect(alice.call('FLUSHALL')).rejects.toThrow(/NOPERM/);
    await admin.call('KEYS', 'app:*');
    const after = await exporter.scrape();
    expect(delta(before, after, 'valkey_dangerous_commands_total', { cmd: 'flushdb' })).toBe(1);
    expect(delta(before, after, 'valkey_dangerous_commands_total', { cmd: 'config|set' })).toBe(2);
    expect(delta(before, after, 'valkey_dangerous_commands_total', { cmd: 'keys' })).toBe(1);
    expect(delta(before, after, 'valkey_dangerous_commands_rejected_total', { cmd: 'flushall' })).toBe(1);
    expect(after.value('valkey_dangerous_commands_total', { cmd: 'get' })).toBeUndefined();
  });

  test('ACL LOG user labels are capped with an overflow value', async () => {
    // Its own exporter on an emptied ACL LOG: what earlier tests logged takes no slot.
    await topology.primary.admin().call('ACL', 'LOG', 'RESET');
    const capped = await startTestExporter([...topology.exporterArgs(), '--collector.acl-log.max-users', '2']);
    try {
      const before = await capped.scrape();
      expect(before.all('valkey_acl_log_events_total')).toEqual([]);
      for (const user of ['mallory', 'trudy', 'eve', 'oscar']) await tryLogin(topology, user, 'guess');
      const after = await capped.scrape();
      const users = new Set(after.all('valkey_acl_log_events_total').map((sample) => sample.labels.user));
      // The first two users take the two slots; later ones share the overflow series.
      expect([...users].sort()).toEqual(['__overflow__', 'mallory', 'trudy']);
      expect(after.value('valkey_acl_log_events_total', { reason: 'auth', context: 'toplevel', user: 'mallory' })).toBe(1);
      expect(after.value('valkey_acl_log_events_total', { reason: 'auth', context: 'toplevel', user: '__overflow__' })).toBe(2);
    } finally {
      await capped.close();
    }
  });

  test('posture: default user without password, protected mode, requirepass never read', async () => {
    let metrics = await exporter.scrape();
    expect(metrics.value('valkey_security_default_user_nopass')).toBe(1);
    expect(metrics.value('valkey_security_requirepass_set')).toBe(0);
    expect(metrics.value('valkey_security_protected_mode_enabled')).toBe(1);
    expect(metrics.value('valkey_security_debug_command_enabled')).toBe(0);
    const admin = topology.primary.admin();
    await admin.config('SET', 'requirepass', 'posture-secret');
    await admin.config('SET', 'protected-mode', 'no');
    try {
      metrics = await exporter.scrape();
      expect(metrics.value('valkey_security_default_user_nopass')).toBe(0);
      expect(metrics.value('valkey_security_requirepass_set')).toBe(1);
      expect(metrics.value('valkey_security_protected_mode_enabled')).toBe(0);
      expect(metrics.text).not.toContain('posture-secret');
    } finally {
      await admin.config('SET', 'protected-mode', 'yes');
      await admin.call('ACL', 'SETUSER', 'default', 'nopass');
    }
  });
});
