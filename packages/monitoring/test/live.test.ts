import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dragonflyExporter as dragonflyDefinition } from '@keepwatch/dragonfly-exporter';
import { milvusExporter as milvusDefinition } from '@keepwatch/milvus-exporter';
import { freePort, type PrometheusHandle, readFixture, startDefinitionExporter, startPrometheus, type TestExporter, waitFor } from '@keepwatch/testing';
import { build } from '@keepwatch/testing/builds';
import { type DragonflyStandIn, startDragonflyStandIn } from '@keepwatch/testing/dragonfly-standin';
import { type MilvusStandin, startMilvusStandin } from '@keepwatch/testing/milvus-standin';
import { type ServerHandle, startServer, tlsCertificateArgs } from '@keepwatch/testing/servers';
import { canaryPassword, maxmemoryBytes, startTopology, type Topology } from '@keepwatch/testing/valkey-topology';
import { valkeyExporter as valkeyDefinition } from '@keepwatch/valkey-exporter';
import { valkeyAclRules, valkeyKeyCheckAclRules } from '@keepwatch/valkey-exporter/acl';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeCertificates } from '../../core/test/certificates.ts';
import { alertGroups, dashboards, variableQueries } from '../src/index.ts';
import { allVariables, eventuallyInState, liveConfig, panelQueries, queriesWithoutData, ruleStates, writeRuleFiles } from './live-config.ts';

describe('the generated rules in a real Prometheus scraping all three exporters', () => {
  let dir: string;
  let topology: Topology;
  let dragonfly: DragonflyStandIn;
  let dragonflyReplica: DragonflyStandIn;
  let milvus: MilvusStandin;
  /** Valkey 9.1 with TLS, its own job (a second primary in job valkey would be a split brain). */
  let tlsValkey: ServerHandle;
  /** Certificates valid for a year (a healthy system) and for one day (nobody renewed them). */
  let yearLong: (name: string) => string;
  let dayLong: (name: string) => string;
  const exporters: TestExporter[] = [];
  let prometheus: PrometheusHandle;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'keepwatch-live-rules-'));
    const ruleFiles = writeRuleFiles(dir);
    topology = await startTopology('valkey', valkeyAclRules);
    dragonfly = await startDragonflyStandIn({ users: { app: { password: 'app-secret', rules: ['+get', '+set'] } } });
    dragonflyReplica = await startDragonflyStandIn({ role: 'replica' });
    milvus = await startMilvusStandin();
    yearLong = makeCertificates(['ca'], { server: 'DNS:valkey.test', client: 'DNS:replica' }, 365);
    dayLong = makeCertificates(['ca'], { server: 'DNS:valkey.test', client: 'DNS:replica' }, 1);
    tlsValkey = await startServer(build('valkey-9.1'), {
      args: ['--tls-port', String(await freePort()), ...tlsCertificateArgs(yearLong), ...clientCertificateArgs(yearLong)],
    });
    // Each exporter follows a log file, as the sidecar would through a shared volume.
    const logFile = (name: string) => {
      writeFileSync(join(dir, name), '');
      return ['--log.file', join(dir, name)];
    };
    // The primary's exporters check keys and a stream (a consumer group with an entry not yet acknowledged),
    // with the rules the README documents for them added to the exporter user.
    const admin = topology.primary.admin();
    await admin.call('ACL', 'SETUSER', 'exporter', ...valkeyKeyCheckAclRules().flatMap((entry) => entry.rules), '%R~app:*');
    await admin.set('app:greeting', 'hello');
    await admin.xadd('app:events', '*', 'n', '1');
    await admin.xgroup('CREATE', 'app:events', 'workers', '0');
    await admin.xreadgroup('GROUP', 'workers', 'w1', 'COUNT', '1', 'STREAMS', 'app:events', '>');
    const keyChecks = ['--collector.keys.check', 'app:*', '--collector.streams.check', 'app:events'];
    const primary = await startDefinitionExporter(valkeyDefinition, [
      ...topology.exporterArgs(topology.primary),
      ...keyChecks,
      ...logFile('valkey-primary.log'),
    ]);
    const replica = await startDefinitionExporter(valkeyDefinition, [...topology.exporterArgs(topology.replica), ...logFile('valkey-replica.log')]);
    const dragonflyExporter = await startDefinitionExporter(dragonflyDefinition, ['--dragonfly.addr', dragonfly.url, ...logFile('dragonfly.log')]);
    const dragonflyReplicaExporter = await startDefinitionExporter(dragonflyDefinition, [
      '--dragonfly.addr',
      dragonflyReplica.url,
      ...logFile('dragonfly-replica.log'),
    ]);
    const milvusExporter = await startDefinitionExporter(milvusDefinition, ['--milvus.address', milvus.address, ...logFile('milvus.log')]);
    // Over the plaintext port: INFO reports the TLS port's certificates either way.
    const tlsExporter = await startDefinitionExporter(valkeyDefinition, ['--valkey.addr', tlsValkey.url]);
    // The same primary and replica through valkey-exporter as a redis_exporter drop-in: the redis rule file and dashboard.
    const asRedis = (args: string[], log: string) => startDefinitionExporter(valkeyDefinition, [...args, '--namespace', 'redis', ...logFile(log)]);
    const redisPrimary = await asRedis([...topology.exporterArgs(topology.primary), ...keyChecks], 'redis-primary.log');
    const redisReplica = await asRedis(topology.exporterArgs(topology.replica), 'redis-replica.log');
    const redisTls = await asRedis(['--valkey.addr', tlsValkey.url], 'redis-tls.log');
    exporters.push(primary, replica, dragonflyExporter, dragonflyReplicaExporter, milvusExporter, tlsExporter, redisPrimary, redisReplica, redisTls);
    const host = (exporter: TestExporter) => new URL(exporter.url).host;
    prometheus = await startPrometheus(
      {
        valkey: [host(primary), host(replica)],
        'valkey-tls': [host(tlsExporter)],
        redis: [host(redisPrimary), host(redisReplica)],
        'redis-tls': [host(redisTls)],
        dragonfly: [host(dragonflyExporter), host(dragonflyReplicaExporter)],
        milvus: [host(milvusExporter)],
      },
      ruleFiles,
      '',
      // As a Kubernetes Prometheus labels its targets: the dashboards' cluster and namespace variables list them.
      { cluster: 'live', namespace: 'keepwatch' },
    );
  });
  afterAll(async () => {
    await prometheus?.stop();
    for (const exporter of exporters) await exporter.close();
    await milvus?.close();
    await dragonfly?.close();
    await dragonflyReplica?.close();
    await topology?.dispose();
    await tlsValkey?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  const rules = () => ruleStates(prometheus);
  const eventually = (name: string, state: 'firing' | 'inactive') => eventuallyInState(prometheus, name, state);

  test('every rule of every file evaluates without error against live data, and nothing fires on a healthy system', async () => {
    await waitFor('all nine exporters scraped', async () => ((await prometheus.value('count(up == 1)')) === exporters.length ? true : undefined), 300, 100);
    // Until Prometheus has scraped the primary's exporter once, the replica alone looks like a group without a primary.
    await waitFor(
      'the primary seen',
      async () => ((await prometheus.value('sum({__name__=~"(valkey|redis)_instance_role", job=~"valkey|redis", role="master"})')) === 2 ? true : undefined),
      300,
      100,
    );
    const evaluated = await waitFor(
      'every rule evaluated',
      async () => {
        const all = await rules();
        return all.length > 0 && all.every((rule) => rule.health === 'ok') ? all : undefined;
      },
      300,
      100,
    );
    expect(evaluated.map((rule) => rule.name).sort()).toEqual(
      alertGroups(liveConfig)
        .flatMap((group) => group.alerts.map((alert) => alert.name))
        .sort(),
    );
    // A healthy system settles with nothing pending or firing within a few evaluations (the Milvus stand-in's
    // archive collection was never loaded: a collection that is not expected to be, not an alert), except
    // what the test servers' real posture deserves: their default users have no password (Valkey behind
    // protected mode on loopback, the Dragonfly stand-in with nothing in front).
    const posture = ['DragonflyOpenToAnyone', 'RedisDefaultUserWithoutPassword', 'ValkeyDefaultUserWithoutPassword'];
    let active: string[] = [];
    await waitFor(
      'only the posture alerts firing',
      async () => {
        active = (await rules())
          .filter((rule) => rule.state !== 'inactive')
          .map((rule) => `${rule.name} ${rule.state}`)
          .sort();
        return active.join() === posture.map((name) => `${name} firing`).join() ? true : undefined;
      },
      50,
      100,
    ).catch(() => undefined);
    expect(active).toEqual(posture.map((name) => `${name} firing`));
  });

  test('every query of every dashboard returns data (variables set to All, $__rate_interval to 1m)', { timeout: 120_000 }, async () => {
    // Traffic the panels show: key hits and misses, an ACL denial and a dangerous command on each engine,
    // after each exporter's first scrape (what was there before is history, not new events).
    await waitFor(
      'every exporter scraped',
      async () =>
        (await prometheus.value('count({__name__=~"(valkey|redis|dragonfly|milvus)_exporter_last_scrape_duration_seconds"})')) === exporters.length
          ? true
          : undefined,
      300,
      100,
    );
    const admin = topology.primary.admin();
    await admin.set('seen', '1');
    await admin.get('seen');
    await admin.get('unseen');
    await admin.call('CONFIG', 'SET', 'maxmemory-samples', '5');
    const alice = topology.primary.connect({ username: 'alice', password: 'alice-password' });
    await alice.flushall().catch(() => undefined);
    alice.disconnect();
    // One command on the Dragonfly stand-in as a given user (default: the default user), then disconnect.
    const onDragonfly = async (command: (client: Redis) => Promise<unknown>, credentials: { username?: string; password?: string } = {}) => {
      // RESP2 without HELLO or CLIENT SETINFO, like the exporter: the stand-in models RESP2 replies only.
      const client = new Redis({
        port: dragonfly.port,
        host: '127.0.0.1',
        lazyConnect: true,
        protocol: 2,
        disableClientInfo: true,
        maxRetriesPerRequest: 0,
        ...credentials,
      });
      await client.connect();
      await command(client);
      client.disconnect();
    };
    await onDragonfly((client) => client.info().catch(() => undefined), { username: 'app', password: 'app-secret' });
    await onDragonfly((client) => client.flushall());
    // Milvus' proxy writes its access log: the sample's requests, failed logins, denials and rate limits.
    appendFileSync(join(dir, 'milvus.log'), readFixture('milvus/access_log_sample.log'));
    dragonfly.bump('Stats', 'keyspace_hits', 10);
    dragonfly.bump('Stats', 'keyspace_misses', 2);

    // Cluster and Sentinel panels have data only from such servers: topologies-live.test.ts checks them.
    const empty = await queriesWithoutData(
      prometheus,
      panelQueries((row) => row !== 'Cluster and Sentinel'),
    );
    expect(empty).toEqual([]);
  });

  test("every dashboard's template variables list the live clusters, namespaces, jobs and instances (Grafana sends label_values() as Prometheus' label values API)", async () => {
    const checked: string[] = [];
    for (const [name, dashboard] of Object.entries(dashboards)) {
      for (const query of Object.values(variableQueries(dashboard))) {
        const [, selector, label] = /^label_values\((.+), (\w+)\)$/.exec(query) ?? [];
        expect(selector, `${name}: ${query}`).toBeDefined();
        const match = encodeURIComponent(allVariables(selector ?? ''));
        // api() throws on Prometheus' error status (a selector it cannot parse answers 400 bad_data); waitFor names it.
        const values = await waitFor(
          `${name}: ${query}`,
          async () => {
            const found = await prometheus.api<string[]>(`label/${label}/values?match[]=${match}`);
            return found.length > 0 ? found : undefined;
          },
          300,
          100,
        );
        expect(values.length).toBeGreaterThan(0);
        checked.push(query);
      }
    }
    expect(checked).toHaveLength(Object.keys(dashboards).length * 4);
  });

  test('every metric a rule reads has series in live data (an alert on an absent metric can never fire)', async () => {
    // Present only in situations the live system does not have: cluster mode (cluster-live.test.ts) and
    // an exporter pointed at a Sentinel (packages/valkey-exporter/test/sentinel.test.ts).
    const situational = new Set(
      ['valkey', 'redis'].flatMap((ns) =>
        [
          ...['cluster_state', 'cluster_slots_fail', 'cluster_slots_pfail', 'cluster_current_epoch'],
          ...['sentinel_master_status', 'sentinel_master_ckquorum_ok', 'sentinel_master_ok_sentinels', 'sentinel_master_config_epoch'],
        ].map((metric) => `${ns}_${metric}`),
      ),
    );
    const names = new Set(
      alertGroups(liveConfig).flatMap((group) =>
        group.alerts.flatMap((alert) => [...alert.expr.matchAll(/\b(?:valkey|redis|dragonfly|milvus)_[a-z0-9_]+\b(?=\{| |\)|,|$)/g)].map((match) => match[0])),
      ),
    );
    const absent: string[] = [];
    for (const name of names) if (!situational.has(name) && (await prometheus.value(`count(${name})`)) === undefined) absent.push(name);
    expect(absent).toEqual([]);
  });

  test('a password brute force against Valkey fires the auth-failure alert, which resolves when it stops', async () => {
    for (let attempt = 0; attempt < 8; attempt += 1) {
      const client: Redis = topology.primary.connect({ username: 'alice', password: `wrong-${attempt}` });
      await client.ping().catch(() => undefined);
      client.disconnect();
    }
    await eventually('ValkeyAuthFailureBurst', 'firing');
    await eventually('ValkeyAuthFailureBurst', 'inactive');
  });

  test('wrong passwords against Dragonfly fire its auth-failure alert (from ACL LOG); it resolves when they stop', async () => {
    for (let attempt = 0; attempt < 8; attempt += 1) {
      const client = new Redis({ port: dragonfly.port, host: '127.0.0.1', lazyConnect: true, protocol: 2, disableClientInfo: true, maxRetriesPerRequest: 0 });
      client.on('error', () => {});
      await client.connect();
      await client.call('AUTH', 'app', `wrong-${attempt}`).catch(() => undefined);
      client.disconnect();
    }
    await eventually('DragonflyAuthFailureBurst', 'firing');
    await eventually('DragonflyAuthFailureBurst', 'inactive');
  });

  test('filling memory toward maxmemory fires the memory alert; freeing it resolves it', async () => {
    const admin = topology.primary.admin();
    // In 1 MiB values: one big SET would need its size again in query buffer and be refused (OOM).
    const chunk = 'x'.repeat(1024 * 1024);
    const keys = Array.from({ length: Math.ceil((maxmemoryBytes * 0.6) / chunk.length) }, (_, i) => `ballast:${i}`);
    for (const key of keys) await admin.set(key, chunk);
    await eventually('ValkeyMemoryNearMaxmemory', 'firing');
    await admin.del(...keys);
    await eventually('ValkeyMemoryNearMaxmemory', 'inactive');
  });

  test("a connection flood fires the spike alert against the instance's own baseline; closing it resolves it", async () => {
    // The baseline needs its window of history (20 s ending 5 s ago) before the flood.
    await waitFor(
      'baseline history',
      async () => (((await prometheus.value('count_over_time(valkey_connected_clients{job="valkey"}[30s])')) ?? 0) >= 25 ? true : undefined),
      600,
      100,
    );
    const flood: Redis[] = [];
    for (let i = 0; i < 60; i += 1) {
      const client = topology.primary.admin().duplicate();
      await client.ping();
      flood.push(client);
    }
    await eventually('ValkeyConnectionSpike', 'firing');
    for (const client of flood) client.disconnect();
    await eventually('ValkeyConnectionSpike', 'inactive');
  });

  test('killing the primary fires replication link down on the replica; restarting it resolves it', async () => {
    await topology.primary.stop();
    await eventually('ValkeyReplicationLinkDown', 'firing');
    await topology.primary.restart();
    await topology.primary.admin().call('ACL', 'SETUSER', 'exporter', ...topology.exporterAclRules, `>${canaryPassword}`);
    await eventually('ValkeyReplicationLinkDown', 'inactive');
  });

  test('a server that loads a certificate valid for one more day fires both expiry alerts; loading a renewed one resolves them', async () => {
    const admin = tlsValkey.admin();
    await admin.call('CONFIG', 'SET', ...certificateSettings(dayLong));
    await eventually('ValkeyTlsCertificateExpiresSoon', 'firing');
    await eventually('ValkeyTlsCertificateExpiresVerySoon', 'firing');
    await admin.call('CONFIG', 'SET', ...certificateSettings(yearLong));
    await eventually('ValkeyTlsCertificateExpiresSoon', 'inactive');
    await eventually('ValkeyTlsCertificateExpiresVerySoon', 'inactive');
  });
});

/** The replication and cluster-bus client certificate, so INFO reports all three certificates. */
function clientCertificateArgs(file: (name: string) => string): string[] {
  return ['--tls-client-cert-file', file('client.crt'), '--tls-client-key-file', file('client.key')];
}

/** The same certificate files as CONFIG SET parameters. */
function certificateSettings(file: (name: string) => string): string[] {
  return [...tlsCertificateArgs(file), ...clientCertificateArgs(file)].map((arg) => arg.replace(/^--/, ''));
}
