import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { freePort, multiTargetJob, startPrometheus, waitFor } from '@keepwatch/testing';
import { canaryPassword, startTopology, type Topology, writeSecret } from '@keepwatch/testing/valkey-topology';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { valkeyAclRules } from '../src/acl.ts';
import { parseMetrics, startTestExporter, type TestExporter } from './harness/exporter.ts';

/** A TCP server that records whatever a client sends it: the server a forged /scrape request would aim at. */
async function startTrap(): Promise<{ port: number; received: () => string; close: () => Promise<void> }> {
  let received = '';
  const server: Server = createServer((socket) => socket.on('data', (chunk) => (received += chunk.toString('latin1'))));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address !== null ? address.port : 0,
    received: () => received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function targetsFile(content: string): string {
  const path = writeSecret('');
  writeFileSync(path, content);
  return path;
}

describe('/scrape?target= on targets listed in --scrape.config-file (real Valkey primary and replica)', () => {
  let topology: Topology;
  let exporter: TestExporter;
  let trap: Awaited<ReturnType<typeof startTrap>>;
  let downPort: number;
  const scrapeTarget = async (target?: string) => {
    const response = await fetch(`${exporter.url}/scrape${target === undefined ? '' : `?target=${encodeURIComponent(target)}`}`);
    return { status: response.status, text: await response.text() };
  };

  beforeAll(async () => {
    topology = await startTopology('valkey', valkeyAclRules);
    trap = await startTrap();
    downPort = await freePort();
    const file = targetsFile(
      [
        'auth_profiles:',
        '  least-privilege:',
        '    username: exporter',
        `    password_file: ${topology.passwordFile}`,
        'targets:',
        `  - address: redis://127.0.0.1:${topology.primary.port}`,
        '    auth_profile: least-privilege',
        `  - address: 127.0.0.1:${topology.replica.port}`,
        '    auth_profile: least-privilege',
        `  - address: 127.0.0.1:${downPort}`,
      ].join('\n'),
    );
    // The exporter's own target needs no password: /scrape never borrows it.
    exporter = await startTestExporter(['--valkey.addr', topology.primary.url, '--scrape.config-file', file, '--no-collector.slowlog']);
  });

  afterAll(async () => {
    await exporter?.close();
    await trap?.close();
    await topology?.dispose();
  });

  test('a listed target is scraped with its profile, whatever spelling of its address Prometheus sends', async () => {
    const primary = await scrapeTarget(`127.0.0.1:${topology.primary.port}`);
    expect(primary.status).toBe(200);
    const primaryMetrics = parseMetrics(primary.text);
    expect(primaryMetrics.value('valkey_up')).toBe(1);
    expect(primaryMetrics.value('valkey_instance_role', { role: 'master' })).toBe(1);
    expect(primaryMetrics.value('valkey_connected_slaves')).toBe(1);
    // The exporter's own metrics stay on /metrics.
    expect(primaryMetrics.all('valkey_exporter_build_info')).toEqual([]);
    // The collector flags apply to /scrape targets as they do to --valkey.addr.
    expect(primaryMetrics.all('valkey_exporter_collector_success').filter((sample) => sample.labels.collector === 'slowlog')).toEqual([]);
    expect(primaryMetrics.all('valkey_slowlog_length')).toEqual([]);
    expect(primaryMetrics.value('valkey_exporter_collector_success', { collector: 'info' })).toBe(1);

    const replica = parseMetrics((await scrapeTarget(`redis://127.0.0.1:${topology.replica.port}/0`)).text);
    expect(replica.value('valkey_up')).toBe(1);
    expect(replica.value('valkey_instance_role', { role: 'slave' })).toBe(1);
    expect(replica.value('valkey_master_link_up')).toBe(1);
  });

  test('a listed target that is down answers up 0, and the log line names it', async () => {
    const down = await scrapeTarget(`127.0.0.1:${downPort}`);
    expect(down.status).toBe(200);
    expect(parseMetrics(down.text).value('valkey_up')).toBe(0);
    expect(exporter.logs.find((line) => line.includes('scrape failed') && line.includes(`target=redis://127.0.0.1:${downPort}`))).toContain(
      'KW_ERR_TARGET_UNREACHABLE',
    );
  });

  test('each target keeps one persistent connection across scrapes', async () => {
    for (let i = 0; i < 4; i += 1) await scrapeTarget(`redis://127.0.0.1:${topology.primary.port}`);
    const metrics = parseMetrics((await scrapeTarget(`redis://127.0.0.1:${topology.primary.port}`)).text);
    expect(metrics.value('valkey_exporter_connects_total')).toBe(1);
  });

  test('an unlisted target is refused before any connection: no byte reaches it, no credential leaves', async () => {
    const before = await exporter.scrape();
    for (const target of [`127.0.0.1:${trap.port}`, `redis://127.0.0.1:${trap.port}`, `unix:///tmp/valkey.sock`, 'not an address']) {
      const response = await scrapeTarget(target);
      expect(response.status).toBe(400);
      expect(response.text).toBe('the target is not listed in --scrape.config-file\n');
    }
    const missing = await scrapeTarget();
    expect(missing).toEqual({ status: 400, text: 'the target parameter is required\n' });
    expect(trap.received()).toBe('');
    const after = await exporter.scrape();
    const refused = (metrics: typeof before, reason: string) => metrics.value('valkey_exporter_scrape_requests_refused_total', { reason }) ?? 0;
    expect(refused(after, 'unlisted_target') - refused(before, 'unlisted_target')).toBe(4);
    expect(refused(after, 'missing_target') - refused(before, 'missing_target')).toBe(1);
  });

  test("a real Prometheus scrapes both through /scrape with the README's relabelling", async () => {
    const primary = `127.0.0.1:${topology.primary.port}`;
    const replica = `redis://127.0.0.1:${topology.replica.port}`;
    const prometheus = await startPrometheus({}, [], multiTargetJob('valkey-managed', exporter.url, { static: [primary, replica] }));
    try {
      const role = (instance: string, name: string) => prometheus.value(`valkey_instance_role{job="valkey-managed",instance="${instance}",role="${name}"}`);
      expect(
        await waitFor('both targets scraped', async () => ((await role(replica, 'slave')) === 1 && (await role(primary, 'master')) === 1 ? true : undefined)),
      ).toBe(true);
      expect(await prometheus.value(`up{job="valkey-managed",instance="${primary}"}`)).toBe(1);
    } finally {
      await prometheus.stop();
    }
  });

  test('the profile password appears in no log line and no response', async () => {
    const texts = [
      (await scrapeTarget(`127.0.0.1:${topology.primary.port}`)).text,
      await fetch(`${exporter.url}/metrics`).then((r) => r.text()),
      ...exporter.logs,
    ];
    for (const text of texts) expect(text).not.toContain(canaryPassword);
  });
});

describe('/scrape only: an empty --valkey.addr with --scrape.config-file', () => {
  test('/metrics serves the exporter itself and touches no server; /scrape reads the listed one', async () => {
    const topology = await startTopology('valkey', valkeyAclRules);
    const file = targetsFile(
      [
        'auth_profiles:',
        '  p:',
        '    username: exporter',
        `    password_file: ${topology.passwordFile}`,
        'targets:',
        `  - address: 127.0.0.1:${topology.primary.port}`,
        '    auth_profile: p',
      ].join('\n'),
    );
    const exporter = await startTestExporter(['--valkey.addr', '', '--scrape.config-file', file]);
    try {
      const own = await exporter.scrape();
      expect(own.all('valkey_up')).toEqual([]);
      expect(own.all('valkey_exporter_collector_success')).toEqual([]);
      expect(own.all('valkey_exporter_build_info')).toHaveLength(1);
      expect(own.value('process_resident_memory_bytes')).toBeGreaterThan(0);
      const target = parseMetrics(await (await fetch(`${exporter.url}/scrape?target=127.0.0.1:${topology.primary.port}`)).text());
      expect(target.value('valkey_up')).toBe(1);
      expect(await (await fetch(`${exporter.url}/`)).text()).toContain('target none (/metrics serves the exporter itself; servers through /scrape)');
      expect(exporter.logs.filter((line) => line.includes('scrape failed'))).toEqual([]);
    } finally {
      await exporter.close();
      await topology.dispose();
    }
  });
});

describe('/scrape is off by default, and the targets file is checked at start', () => {
  test('without --scrape.config-file the path does not exist, nor cluster discovery', async () => {
    const exporter = await startTestExporter(['--valkey.addr', 'redis://127.0.0.1:1']);
    try {
      expect((await fetch(`${exporter.url}/scrape?target=127.0.0.1:1`)).status).toBe(404);
      expect((await fetch(`${exporter.url}/discover-cluster-nodes`)).status).toBe(404);
    } finally {
      await exporter.close();
    }
  });

  const password = writeSecret(canaryPassword);
  test.each([
    ['an unknown key', 'targets:\n  - address: 127.0.0.1:6379\n    password: x', /: unknown key targets\[0\]\.password$/],
    ['no targets', 'auth_profiles: {}', /targets must be a non-empty list$/],
    [
      'an undefined profile',
      'targets:\n  - address: 127.0.0.1:6379\n    auth_profile: prod',
      /targets\[0\]\.auth_profile "prod" is not defined under auth_profiles$/,
    ],
    [
      'a password in an address',
      'targets:\n  - address: redis://u:hunter2@127.0.0.1:6379',
      /targets\[0\]\.address "redis:\/\/<userinfo>@127\.0\.0\.1:6379": contains a password; use password_file/,
    ],
    ['a cluster flag that is not a boolean', 'targets:\n  - address: 127.0.0.1:6379\n    cluster: "yes"', /targets\[0\]\.cluster must be true or false$/],
    [
      'one server listed twice',
      'targets:\n  - address: 127.0.0.1:6379\n  - address: redis://127.0.0.1:6379/2',
      /targets\[1\]: redis:\/\/127\.0\.0\.1:6379 is listed twice$/,
    ],
    [
      'TLS options for a plain-text address',
      `auth_profiles:\n  p:\n    password_file: ${password}\n    tls:\n      server_name: cache\ntargets:\n  - address: 127.0.0.1:6379\n    auth_profile: p`,
      /targets\[0\]: its auth profile has TLS options but redis:\/\/127\.0\.0\.1:6379 is not a TLS address$/,
    ],
    [
      'an unreadable password file',
      'auth_profiles:\n  p:\n    password_file: /nonexistent/pw\ntargets:\n  - address: 127.0.0.1:6379',
      /KW_ERR_FILE: .*auth_profiles\.p\.password_file \/nonexistent\/pw: cannot read the file \(ENOENT\)$/,
    ],
    ['not YAML', 'targets: [', /not valid YAML/],
  ])('%s: one line naming the key', async (_what, content, line) => {
    const error = await startTestExporter(['--valkey.addr', 'redis://127.0.0.1:1', '--scrape.config-file', targetsFile(content)]).then(
      () => undefined,
      (reason: { toLine(): string }) => reason.toLine(),
    );
    expect(error).toMatch(line);
    expect(error).toMatch(/^KW_ERR_(TARGETS_FILE|FILE): --scrape\.config-file /);
    expect(error).not.toContain('hunter2');
    expect(error).not.toContain(canaryPassword);
  });
});
