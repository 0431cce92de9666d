import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allSucceeded, freePort, waitFor } from '@keepwatch/testing';
import { type MilvusStandin, rpcPrivileges, type StandinState, startMilvusStandin } from '@keepwatch/testing/milvus-standin';
import { afterEach, describe, expect, test } from 'vitest';
import { milvusExporter } from '../src/definition.ts';
import { readPrivileges } from '../src/reads.ts';
import { startTestExporter, type TestExporter } from './harness/exporter.ts';

const secretsDir = mkdtempSync(join(tmpdir(), 'kw-milvus-'));
function secretFile(name: string, content: string): string {
  const path = join(secretsDir, name);
  writeFileSync(path, `${content}\n`, { mode: 0o600 });
  return path;
}

/** Every privilege the README documents for the exporter's role. */
const documentedPrivileges = new Set(Object.values(readPrivileges).flatMap((privileges) => privileges.map(([privilege]) => privilege)));

describe('failures: credentials, privileges, unavailable and slow servers', () => {
  let milvus: MilvusStandin | undefined;
  let exporter: TestExporter | undefined;

  async function start(args: readonly string[], configure?: (state: StandinState) => void, env: Record<string, string> = {}) {
    milvus = await startMilvusStandin(configure);
    exporter = await startTestExporter(milvus.address, args, env);
    return { milvus, exporter };
  }
  afterEach(async () => {
    await exporter?.close();
    await milvus?.close();
    exporter = undefined;
    milvus = undefined;
  });

  const withUsers = (state: StandinState) => {
    state.users = new Map([
      ['root', 'Milvus'],
      ['exporter', 'canary-Pa55-word'],
    ]);
  };

  test('wrong credentials: up 0 with one clear line that never carries the password; the right ones recover', async () => {
    const password = secretFile('wrong', 'canary-Pa55-word');
    const { milvus, exporter } = await start(['--milvus.username', 'exporter', '--milvus.password-file', password], (state) => {
      withUsers(state);
      state.users?.set('exporter', 'rotated');
    });
    const metrics = await exporter.scrape();
    expect(metrics.value('milvus_up')).toBe(0);
    const line = exporter.logs.find((entry) => entry.includes('scrape failed'));
    expect(line).toContain('KW_ERR_TARGET_AUTH');
    expect(line).toContain('rejected user exporter: auth check failure, please check username and password are correct');
    expect(exporter.logs.join('\n')).not.toContain('canary-Pa55-word');
    expect(metrics.text).not.toContain('canary-Pa55-word');
    expect(milvus.calls.map((call) => call.outcome)).toEqual(['unauthenticated']);
    milvus.state.users?.set('exporter', 'canary-Pa55-word');
    // Core's reconnect backoff: the scrapes inside it say when the next attempt is due, and send nothing.
    const backingOff = await exporter.scrape();
    expect(backingOff.value('milvus_up')).toBe(0);
    expect(exporter.logs.some((entry) => entry.includes('KW_ERR_TARGET_AUTH') && entry.includes('next connection attempt in'))).toBe(true);
    expect(milvus.calls).toHaveLength(1);
    await waitFor('the exporter to reconnect after its backoff', async () => ((await exporter.scrape()).value('milvus_up') === 1 ? true : undefined));
  });

  test('a token (user:password) authenticates like a user and password', async () => {
    const { exporter } = await start(['--milvus.token-file', secretFile('token', 'exporter:canary-Pa55-word')], withUsers);
    expect((await exporter.scrape()).value('milvus_up')).toBe(1);
  });

  test('under a role with exactly the documented privileges: every collector succeeds and no call is denied', async () => {
    const { milvus, exporter } = await start(
      ['--milvus.username', 'exporter', '--collector.rbac'],
      (state) => {
        withUsers(state);
        state.grants.set('exporter', new Set(documentedPrivileges));
      },
      { MILVUS_PASSWORD: 'canary-Pa55-word' },
    );
    for (let i = 0; i < 10; i += 1) {
      const metrics = await exporter.scrape();
      expect(metrics.collectorSuccess('milvus')).toEqual(allSucceeded(milvusExporter.collectors.map((collector) => collector.name)));
    }
    expect(milvus.calls.filter((call) => call.outcome !== 'ok')).toEqual([]);
    // The documented privileges are exactly what the RPCs the exporter sent require, by the protocol description
    // (privilege and object type): none missing, none granted for nothing.
    const required = new Set(
      milvus.calls.flatMap((call) => {
        const needed = rpcPrivileges.get(call.method);
        return needed === undefined ? [] : [`${needed.privilege}/${needed.objectType}`];
      }),
    );
    const documented = new Set(
      Object.values(readPrivileges).flatMap((privileges) => privileges.map(([privilege, objectType]) => `${privilege}/${objectType}`)),
    );
    expect([...required].sort()).toEqual([...documented].sort());
  });

  test('a denied privilege fails only its collector, and the denied calls are not sent again on the connection', async () => {
    const { milvus, exporter } = await start(
      ['--milvus.username', 'exporter', '--collector.rbac'],
      (state) => {
        withUsers(state);
        state.grants.set('exporter', new Set([...documentedPrivileges].filter((privilege) => privilege !== 'SelectOwnership')));
      },
      { MILVUS_PASSWORD: 'canary-Pa55-word' },
    );
    for (let i = 0; i < 5; i += 1) {
      const metrics = await exporter.scrape();
      expect(metrics.value('milvus_up')).toBe(1);
      expect(metrics.value('milvus_exporter_collector_success', { collector: 'rbac' })).toBe(0);
      expect(metrics.value('milvus_exporter_collector_success', { collector: 'collections' })).toBe(1);
      expect(metrics.value('milvus_rbac_users')).toBeUndefined();
    }
    const denied = milvus.calls.filter((call) => call.outcome === 'permission-denied').map((call) => call.method);
    expect(denied.sort()).toEqual(['ListCredUsers', 'SelectRole']);
    expect(exporter.logs.some((line) => line.includes('PrivilegeSelectOwnership: permission deny to exporter'))).toBe(true);
  });

  test('UNAVAILABLE from one RPC fails its collector at once (no SDK retry hanging to the deadline); from GetVersion it means down', async () => {
    const { milvus, exporter } = await start([]);
    milvus.state.faults.set('GetMetrics', { kind: 'unavailable' });
    let metrics = await exporter.scrape({ 'X-Prometheus-Scrape-Timeout-Seconds': '30' });
    expect(metrics.value('milvus_up')).toBe(1);
    expect(metrics.value('milvus_exporter_collector_success', { collector: 'components' })).toBe(0);
    expect(metrics.value('milvus_exporter_collector_success', { collector: 'health' })).toBe(1);
    expect(exporter.logs.some((line) => line.includes('collector components failed') && line.includes('unavailable (injected by the stand-in)'))).toBe(true);
    expect(milvus.calls.filter((call) => call.method === 'GetMetrics')).toHaveLength(1);

    milvus.state.faults.set('GetVersion', { kind: 'unavailable' });
    metrics = await exporter.scrape();
    expect(metrics.value('milvus_up')).toBe(0);
    expect(exporter.logs.some((line) => line.includes('KW_ERR_TARGET_UNREACHABLE'))).toBe(true);
    milvus.state.faults.clear();
    metrics = await exporter.scrape();
    expect(metrics.value('milvus_up')).toBe(1);
    expect(metrics.value('milvus_exporter_connects_total')).toBe(2);
  });

  test('the proxy itself not healthy (a failure status with isHealthy false, as upstream answers): healthy 0 with the reason, not a missing series', async () => {
    const { milvus, exporter } = await start([]);
    expect((await exporter.scrape()).value('milvus_healthy')).toBe(1);
    milvus.state.proxyState = 'Abnormal';
    const metrics = await exporter.scrape();
    expect(metrics.value('milvus_up')).toBe(1);
    expect(metrics.value('milvus_exporter_collector_success', { collector: 'health' })).toBe(1);
    expect(metrics.value('milvus_healthy')).toBe(0);
    expect(metrics.all('milvus_health_reason_info').map((sample) => sample.labels.reason)).toEqual(['service not ready[proxy=18][state=Abnormal]']);
  });

  test('a GetMetrics that fails with a status (and an empty response) fails its collector for that scrape only, not for the connection', async () => {
    const { milvus, exporter } = await start([]);
    milvus.state.metricsFailure = 'failed to get metrics from querycoord';
    let metrics = await exporter.scrape();
    expect(metrics.value('milvus_exporter_collector_success', { collector: 'components' })).toBe(0);
    expect(exporter.logs.some((line) => line.includes('GetMetrics: failed to get metrics from querycoord (code 2)'))).toBe(true);
    expect(exporter.logs.some((line) => line.includes('not sent again'))).toBe(false);
    milvus.state.metricsFailure = undefined;
    metrics = await exporter.scrape();
    expect(metrics.value('milvus_exporter_collector_success', { collector: 'components' })).toBe(1);
    expect(metrics.all('milvus_component_healthy').length).toBeGreaterThan(0);
    expect(milvus.calls.filter((call) => call.method === 'GetMetrics')).toHaveLength(2);
  });

  test('DescribeDatabase unsupported (Milvus before 2.4.3): the database count stays, only the per-database properties go', async () => {
    const { milvus, exporter } = await start([]);
    milvus.state.faults.set('DescribeDatabase', { kind: 'unimplemented' });
    const metrics = await exporter.scrape();
    expect(metrics.value('milvus_exporter_collector_success', { collector: 'databases' })).toBe(1);
    expect(metrics.value('milvus_databases')).toBe(milvus.state.databases.size);
    expect(milvus.state.databases.size).toBeGreaterThan(1);
    expect(metrics.all('milvus_database_force_deny_writing')).toEqual([]);
  });

  test('an RPC slower than the scrape deadline fails its collector in time; the rest of the scrape is kept', async () => {
    const { milvus, exporter } = await start([]);
    milvus.state.faults.set('DescribeIndex', { kind: 'delay', ms: 5000 });
    const metrics = await exporter.scrape({ 'X-Prometheus-Scrape-Timeout-Seconds': '2' });
    expect(metrics.value('milvus_up')).toBe(1);
    expect(metrics.value('milvus_collection_rows', { db: 'default', collection: 'docs' })).toBe(600123);
    expect(metrics.all('milvus_index_state')).toEqual([]);
    expect(metrics.value('milvus_exporter_last_scrape_duration_seconds')).toBeLessThan(2);
  });

  test('an unimplemented RPC (which the SDK turns into an empty reply) is remembered as unsupported', async () => {
    const { milvus, exporter } = await start([]);
    milvus.state.faults.set('ListResourceGroups', { kind: 'unimplemented' });
    for (let i = 0; i < 3; i += 1) {
      const metrics = await exporter.scrape();
      expect(metrics.value('milvus_exporter_collector_success', { collector: 'resource-groups' })).toBe(0);
    }
    expect(milvus.calls.filter((call) => call.method === 'ListResourceGroups')).toHaveLength(1);
    expect(exporter.logs.some((line) => line.includes('not supported by this server'))).toBe(true);
  });

  test('Milvus down at start: the process survives, up is 0, and the exporter connects once Milvus is up', async () => {
    const port = await freePort();
    exporter = await startTestExporter(`127.0.0.1:${port}`);
    let metrics = await exporter.scrape();
    expect(metrics.value('milvus_up')).toBe(0);
    expect(exporter.logs.some((line) => line.includes(`KW_ERR_TARGET_UNREACHABLE: cannot reach Milvus at http://127.0.0.1:${port}`))).toBe(true);
    milvus = await startMilvusStandin(undefined, port);
    await waitFor('the exporter to connect', async () => ((await (exporter as TestExporter).scrape()).value('milvus_up') === 1 ? true : undefined));
    metrics = await exporter.scrape();
    expect(metrics.value('milvus_collection_rows', { db: 'default', collection: 'docs' })).toBe(600123);
  });

  test('per-collection calls stay within --milvus.concurrency', async () => {
    const { milvus, exporter } = await start(['--milvus.concurrency', '3'], (state) => {
      const analytics = state.databases.get('analytics');
      for (let i = 0; i < 20; i += 1) analytics?.collections.set(`c${i}`, { ...structuredClone(analytics.collections.get('events')), id: `9000${i}` } as never);
      state.faults.set('GetCollectionStatistics', { kind: 'delay', ms: 20 });
    });
    const metrics = await exporter.scrape({ 'X-Prometheus-Scrape-Timeout-Seconds': '30' });
    expect(metrics.all('milvus_collection_rows')).toHaveLength(23);
    expect(milvus.maxInFlight()).toBe(3);
  });
});
