import { createServer, type Server, type Socket } from 'node:net';
import { freePort } from '@keepwatch/testing';
import { serverBuilds } from '@keepwatch/testing/builds';
import { type ServerHandle, startServer } from '@keepwatch/testing/servers';
import { canaryPassword, writeSecret } from '@keepwatch/testing/valkey-topology';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestExporter, type TestExporter } from './harness/exporter.ts';

/** Everything a user could see: log lines, the metrics text, the landing page. */
async function everythingVisible(exporter: TestExporter): Promise<string> {
  const landing = await (await fetch(`${exporter.url}/`)).text();
  const metrics = await (await fetch(`${exporter.url}/metrics`)).text();
  return [...exporter.logs, metrics, landing].join('\n');
}

describe('a target that cannot be scraped gives up 0 before the scraper gives up, one clear log line, no secret', () => {
  let blackhole: Server;
  let blackholePort: number;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    blackholePort = await freePort();
    // Accepts TCP connections and never answers a byte.
    blackhole = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => blackhole.listen(blackholePort, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    blackhole?.close();
  });

  test('unreachable target', async () => {
    const closedPort = await freePort();
    const exporter = await startTestExporter(['--valkey.addr', `redis://127.0.0.1:${closedPort}`, '--valkey.password-file', writeSecret(canaryPassword)]);
    try {
      const metrics = await exporter.scrape({ 'X-Prometheus-Scrape-Timeout-Seconds': '3' });
      expect(metrics.value('valkey_up')).toBe(0);
      const failures = exporter.logs.filter((line) => line.includes('KW_ERR_TARGET_UNREACHABLE'));
      expect(failures).toHaveLength(1);
      expect(failures[0]).toContain(`cannot connect to redis://127.0.0.1:${closedPort}: connect ECONNREFUSED`);
      expect(await everythingVisible(exporter)).not.toContain(canaryPassword);
    } finally {
      await exporter.close();
    }
  });

  test('a target that accepts TCP but never answers', async () => {
    const exporter = await startTestExporter(['--valkey.addr', `redis://127.0.0.1:${blackholePort}`, '--valkey.password-file', writeSecret(canaryPassword)]);
    try {
      // Deadline: 1.5 s from the header minus the 0.5 s default offset.
      const metrics = await exporter.scrape({ 'X-Prometheus-Scrape-Timeout-Seconds': '1.5' });
      expect(metrics.value('valkey_up')).toBe(0);
      // The exporter's own account of the scrape: cut at its 1 s budget, so the answer beats the scraper's 1.5 s.
      expect(metrics.value('valkey_exporter_last_scrape_duration_seconds')).toBeGreaterThanOrEqual(1);
      expect(metrics.value('valkey_exporter_last_scrape_duration_seconds')).toBeLessThan(1.5);
      expect(exporter.logs.filter((line) => line.includes('KW_ERR_TARGET_TIMEOUT'))).toHaveLength(1);
      expect(exporter.logs.some((line) => line.includes('no answer within the scrape deadline of 1000 ms'))).toBe(true);
      expect(await everythingVisible(exporter)).not.toContain(canaryPassword);
    } finally {
      await exporter.close();
    }
  });

  test('a malformed scrape-timeout header is a 400 with one line, not a stack trace', async () => {
    const exporter = await startTestExporter(['--valkey.addr', `redis://127.0.0.1:${blackholePort}`]);
    try {
      const response = await fetch(`${exporter.url}/metrics`, { headers: { 'X-Prometheus-Scrape-Timeout-Seconds': 'soon' } });
      expect(response.status).toBe(400);
      expect(await response.text()).toBe('KW_ERR_SCRAPE_TIMEOUT_HEADER: X-Prometheus-Scrape-Timeout-Seconds is not a number: "soon"\n');
    } finally {
      await exporter.close();
    }
  });
});

describe.each(serverBuilds)('credentials and restarts on a real $id server', (build) => {
  let server: ServerHandle;

  beforeAll(async () => {
    server = await startServer(build, { args: ['--requirepass', 'the-real-password'] });
  });

  afterAll(async () => {
    await server?.dispose();
  });

  test('wrong password', async () => {
    const exporter = await startTestExporter(['--valkey.addr', server.url, '--valkey.password-file', writeSecret(canaryPassword)]);
    try {
      const metrics = await exporter.scrape({ 'X-Prometheus-Scrape-Timeout-Seconds': '3' });
      expect(metrics.value('valkey_up')).toBe(0);
      const failures = exporter.logs.filter((line) => line.includes('KW_ERR_TARGET_AUTH'));
      expect(failures).toHaveLength(1);
      expect(failures[0]).toContain(`redis://127.0.0.1:${server.port} rejected the credentials of user \\"default\\": WRONGPASS`);
      expect(await everythingVisible(exporter)).not.toContain(canaryPassword);
    } finally {
      await exporter.close();
    }
  });

  test('password from the environment is a secret too', async () => {
    const exporter = await startTestExporter(['--valkey.addr', server.url], { VALKEY_PASSWORD: canaryPassword });
    try {
      expect((await exporter.scrape()).value('valkey_up')).toBe(0);
      // The password was sent (and refused), not missing.
      expect(exporter.logs.filter((line) => line.includes('KW_ERR_TARGET_AUTH') && line.includes('WRONGPASS'))).toHaveLength(1);
      expect(await everythingVisible(exporter)).not.toContain(canaryPassword);
    } finally {
      await exporter.close();
    }
  });

  test('the right password from the environment works', async () => {
    const exporter = await startTestExporter(['--valkey.addr', server.url], { VALKEY_PASSWORD: 'the-real-password' });
    try {
      expect((await exporter.scrape()).value('valkey_up')).toBe(1);
    } finally {
      await exporter.close();
    }
  });

  test('the right password, then the server goes away and comes back: up follows, reconnecting with backoff', async () => {
    const exporter = await startTestExporter(['--valkey.addr', server.url, '--valkey.password-file', writeSecret('the-real-password')]);
    try {
      expect((await exporter.scrape()).value('valkey_up')).toBe(1);
      await server.stop();
      expect((await exporter.scrape()).value('valkey_up')).toBe(0);
      await server.restart();
      let up = 0;
      for (let attempt = 0; attempt < 100 && up !== 1; attempt += 1) {
        up = (await exporter.scrape()).value('valkey_up') ?? 0;
        if (up !== 1) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(up).toBe(1);
      expect(exporter.logs.some((line) => line.includes('next connection attempt in'))).toBe(true);
    } finally {
      await exporter.close();
    }
  });
});
