import { writeFileSync } from 'node:fs';
import { startExporter } from '@keepwatch/core/bootstrap';
import { KeepwatchError } from '@keepwatch/core/errors';
import { freePort, parseMetrics } from '@keepwatch/testing';
import { canaryPassword, startTopology, type Topology, writeSecret } from '@keepwatch/testing/valkey-topology';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { valkeyAclRules } from '../src/acl.ts';
import { valkeyExporter } from '../src/definition.ts';

/** The exporter as a chart that ran redis_exporter would start it: no flags, only redis_exporter's environment. */
async function startWithEnvironment(env: Record<string, string>) {
  const logs: string[] = [];
  const port = await freePort();
  const running = await startExporter(valkeyExporter, {
    argv: [],
    env: { REDIS_EXPORTER_WEB_LISTEN_ADDRESS: `127.0.0.1:${port}`, ...env },
    logWrite: (line) => logs.push(line),
  });
  if (running === undefined) throw new Error('printed help instead of starting');
  return {
    logs,
    url: `http://127.0.0.1:${port}`,
    scrape: async (path = '/metrics') => parseMetrics(await (await fetch(`http://127.0.0.1:${port}${path}`)).text()),
    close: () => running.close(),
  };
}

describe("redis_exporter's environment variables, for a sidecar whose image is swapped (real Valkey)", () => {
  let topology: Topology;
  const base = () => ({ REDIS_ADDR: topology.primary.url, REDIS_USER: 'exporter', REDIS_EXPORTER_NAMESPACE: 'redis' });

  beforeAll(async () => {
    topology = await startTopology('valkey', valkeyAclRules);
  });

  afterAll(async () => {
    await topology?.dispose();
  });

  test('REDIS_ADDR, REDIS_USER, REDIS_PASSWORD, the listen address, telemetry path and namespace', async () => {
    const exporter = await startWithEnvironment({ ...base(), REDIS_PASSWORD: canaryPassword, REDIS_EXPORTER_WEB_TELEMETRY_PATH: '/prom' });
    try {
      const metrics = await exporter.scrape('/prom');
      expect(metrics.value('redis_up')).toBe(1);
      expect(metrics.value('redis_exporter_collector_success', { collector: 'acl-log' })).toBe(1);
    } finally {
      await exporter.close();
    }
  });

  test("REDIS_PASSWORD_FILE is redis_exporter's JSON map of address to password: looked up by this address", async () => {
    const map = writeSecret(JSON.stringify({ 'redis://10.0.0.9:6379': 'someone-else', [topology.primary.url]: canaryPassword }));
    const exporter = await startWithEnvironment({ ...base(), REDIS_PASSWORD_FILE: map });
    try {
      expect((await exporter.scrape()).value('redis_up')).toBe(1);
    } finally {
      await exporter.close();
    }
  });

  test('REDIS_PASSWORD_FILE that is not a JSON object is the password itself, as the bitnami charts mount it', async () => {
    const exporter = await startWithEnvironment({ ...base(), REDIS_PASSWORD_FILE: writeSecret(canaryPassword) });
    try {
      expect((await exporter.scrape()).value('redis_up')).toBe(1);
    } finally {
      await exporter.close();
    }
  });

  test.each([
    [
      'a broken map',
      (path: string) => writeFileSync(path, `{"redis://10.0.0.9:6379": "${canaryPassword}"`),
      "starts with { but is not JSON; it is redis_exporter's map",
    ],
    [
      'a map without this address',
      (path: string) => writeFileSync(path, JSON.stringify({ 'redis://10.0.0.9:6379': canaryPassword })),
      'has no password for redis://',
    ],
  ])('%s is one KW_ERR_FILE line that never shows the password', async (_what, write, message) => {
    const path = writeSecret('');
    write(path);
    const failure = await startWithEnvironment({ ...base(), REDIS_PASSWORD_FILE: path }).then(
      async (exporter) => {
        await exporter.close();
        return undefined;
      },
      (error: unknown) => (error instanceof KeepwatchError ? error.toLine() : String(error)),
    );
    expect(failure).toContain('KW_ERR_FILE');
    expect(failure).toContain(`REDIS_PASSWORD_FILE=${path}`);
    expect(failure).toContain(message);
    expect(failure).not.toContain(canaryPassword);
  });

  test("our own variables win over redis_exporter's", async () => {
    const exporter = await startWithEnvironment({ ...base(), VALKEY_ADDR: topology.replica.url, REDIS_PASSWORD: canaryPassword });
    try {
      const metrics = await exporter.scrape();
      expect(metrics.all('redis_instance_info')[0]?.labels.tcp_port).toBe(String(topology.replica.port));
    } finally {
      await exporter.close();
    }
  });
});
