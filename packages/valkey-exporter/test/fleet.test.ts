import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { multiTargetJob, parseMetrics, startPrometheus, waitFor } from '@keepwatch/testing';
import { type ServerHandle, startServer } from '@keepwatch/testing/servers';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createCollectors } from '../src/collectors/index.ts';
import { startTestExporter, type TestExporter } from './harness/exporter.ts';

/** Connections from the exporter that the server sees (CLIENT LIST by its client name). */
async function exporterClients(server: ServerHandle): Promise<number> {
  const list = String(await server.admin().call('CLIENT', 'LIST'));
  return list.split('\n').filter((line) => line.includes('name=keepwatch-valkey-exporter')).length;
}

test('targets share the collectors that keep nothing between scrapes; each target has its own label caps, logs and scans', () => {
  const options = {
    exportUnknownInfoFields: false,
    dangerousCommands: ['flushall'],
    maxErrorPrefixes: 1,
    aclLogMaxUsers: 1,
    aclLogEntries: 1,
    maxCommands: 1,
    maxDatabases: 1,
  };
  const [first, second] = [createCollectors(options), createCollectors(options)];
  const shared = first.filter((collector, index) => collector === second[index]).map((collector) => collector.name);
  expect(shared).toEqual(['info', 'replication', 'auth', 'slowlog', 'latency', 'cluster', 'tls', 'posture', 'config', 'sentinel']);
});

describe('a targets file of many servers: connection cap, idle close, reload, http_sd (real Valkey servers)', () => {
  const servers: ServerHandle[] = [];
  let dir: string;
  let file: string;
  let exporter: TestExporter;
  const address = (server: ServerHandle) => `redis://127.0.0.1:${server.port}`;
  const writeTargets = (list: readonly ServerHandle[]) =>
    writeFileSync(file, `targets:\n${list.map((server) => `  - address: ${address(server)}\n`).join('')}`);
  const scrapeTarget = async (server: ServerHandle) => {
    const response = await fetch(`${exporter.url}/scrape?target=${encodeURIComponent(address(server))}`);
    const text = await response.text();
    return { status: response.status, metrics: parseMetrics(response.status === 200 ? text : '') };
  };

  beforeAll(async () => {
    for (let i = 0; i < 4; i += 1) servers.push(await startServer('valkey'));
    dir = mkdtempSync(join(tmpdir(), 'keepwatch-fleet-'));
    file = join(dir, 'targets.yml');
    writeTargets(servers.slice(0, 3));
    exporter = await startTestExporter(['--valkey.addr', '', '--scrape.config-file', file, '--scrape.max-connections', '2', '--scrape.idle-timeout', '2']);
  });

  afterAll(async () => {
    await exporter?.close();
    for (const server of servers) await server.dispose();
  });

  test('beyond --scrape.max-connections the least recently scraped connection is closed; it reopens on its next scrape', async () => {
    const [a, b, c] = servers as [ServerHandle, ServerHandle, ServerHandle];
    for (const server of [a, b, c]) expect((await scrapeTarget(server)).metrics.value('valkey_up')).toBe(1);
    const own = await exporter.scrape();
    expect(own.value('valkey_exporter_scrape_target_connections')).toBe(2);
    expect(own.value('valkey_exporter_scrape_target_connections_closed_total', { reason: 'cap' })).toBe(1);
    expect([await exporterClients(a), await exporterClients(b), await exporterClients(c)]).toEqual([0, 1, 1]);
    const again = await scrapeTarget(a);
    expect(again.metrics.value('valkey_up')).toBe(1);
    expect(again.metrics.value('valkey_exporter_connects_total')).toBe(2);
    expect([await exporterClients(a), await exporterClients(b), await exporterClients(c)]).toEqual([1, 0, 1]);
  });

  test('connections without a scrape for --scrape.idle-timeout are closed', async () => {
    await waitFor(
      'idle connections closed',
      async () => ((await exporter.scrape()).value('valkey_exporter_scrape_target_connections') === 0 ? true : undefined),
      200,
      50,
    );
    expect((await exporter.scrape()).value('valkey_exporter_scrape_target_connections_closed_total', { reason: 'idle' })).toBe(2);
    for (const server of servers) expect(await exporterClients(server)).toBe(0);
  });

  test('/targets serves the file as http_sd, and a real Prometheus scrapes every target from it', async () => {
    const groups = (await (await fetch(`${exporter.url}/targets`)).json()) as { targets: string[] }[];
    expect(groups.flatMap((group) => group.targets)).toEqual(servers.slice(0, 3).map(address));
    const prometheus = await startPrometheus({}, [], multiTargetJob('fleet', exporter.url, { httpSd: '/targets' }));
    try {
      await waitFor('three targets up', async () => ((await prometheus.value('sum(valkey_up{job="fleet"})')) === 3 ? true : undefined), 400, 50);
    } finally {
      await prometheus.stop();
    }
  });

  test('the file changes: reloaded without a restart, a scrape in flight on a removed target still answers, unchanged targets keep their connection', async () => {
    const [a, b, c, d] = servers as [ServerHandle, ServerHandle, ServerHandle, ServerHandle];
    await scrapeTarget(a);
    const connectsBefore = (await scrapeTarget(a)).metrics.value('valkey_exporter_connects_total');
    // b, connected, answers slowly while the file drops it.
    await scrapeTarget(b);
    await b.admin().call('CLIENT', 'PAUSE', '700', 'ALL');
    const inFlight = scrapeTarget(b);
    writeTargets([a, c, d]);
    await waitFor('d accepted', async () => ((await scrapeTarget(d)).status === 200 ? true : undefined), 200, 50);
    expect((await inFlight).metrics.value('valkey_up')).toBe(1);
    expect((await scrapeTarget(b)).status).toBe(400);
    expect((await scrapeTarget(a)).metrics.value('valkey_exporter_connects_total')).toBe(connectsBefore);
    expect(exporter.logs.some((line) => line.includes('targets file reloaded'))).toBe(true);
    expect((await exporter.scrape()).value('valkey_exporter_scrape_config_reloads_total', { result: 'success' })).toBeGreaterThanOrEqual(1);
  });

  test('a file with a mistake changes nothing: the targets stay, the failure is counted and logged in one line', async () => {
    const [a] = servers as [ServerHandle];
    writeFileSync(file, 'targets:\n  - address: 127.0.0.1:1\n    password: oops\n');
    await exporter.reload();
    expect((await scrapeTarget(a)).status).toBe(200);
    expect((await exporter.scrape()).value('valkey_exporter_scrape_config_reloads_total', { result: 'failure' })).toBeGreaterThanOrEqual(1);
    expect(exporter.logs.some((line) => line.includes('targets file reload failed') && line.includes('unknown key targets[0].password'))).toBe(true);
  });
});
