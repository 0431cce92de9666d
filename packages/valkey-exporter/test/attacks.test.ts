import { type ServerHandle, startServer } from '@keepwatch/testing/servers';
import { writeSecret } from '@keepwatch/testing/valkey-topology';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestExporter, type TestExporter } from './harness/exporter.ts';

/** Attacks from the hardening review, each kept as a test; loopback only, bounded loops. */
describe('attacks on a valkey-exporter in front of a real Valkey', () => {
  let server: ServerHandle;
  let exporter: TestExporter;

  beforeAll(async () => {
    server = await startServer('valkey');
    exporter = await startTestExporter(['--valkey.addr', server.url]);
  });

  afterAll(async () => {
    await exporter?.close();
    await server?.dispose();
  });

  test('passwords with quotes, backslashes, spaces, %, unicode and newlines reach no log line (either format, debug level), metric or page', async () => {
    const canaries = ['canary"quote', 'canary\\back', 'canary two words', 'canary%41', 'canary-пароль-🔑', 'canary\nsecond line'];
    for (const format of ['json', 'logfmt']) {
      for (const canary of canaries) {
        const fromFile = await startTestExporter([
          '--valkey.addr',
          server.url,
          '--valkey.user',
          'nobody',
          '--valkey.password-file',
          writeSecret(canary),
          '--log.level',
          'debug',
          '--log.format',
          format,
        ]);
        try {
          expect((await fromFile.scrape()).value('valkey_up')).toBe(0);
          const visible = [...fromFile.logs, await (await fetch(`${fromFile.url}/metrics`)).text(), await (await fetch(`${fromFile.url}/`)).text()].join('\n');
          expect(visible).toContain('KW_ERR_TARGET_AUTH');
          for (const form of [canary, JSON.stringify(canary).slice(1, -1)]) expect(visible, `${format}: ${JSON.stringify(canary)}`).not.toContain(form);
        } finally {
          await fromFile.close();
        }
      }
    }
  });

  test('a huge X-Prometheus-Scrape-Timeout-Seconds (a 1 ms timer beyond 2^31 ms) blinds neither itself nor the scrapes that share it', async () => {
    const hostile = ['2147484', '1e9', '1e300', '0.000001'];
    const scrapes = await Promise.all(
      Array.from({ length: 40 }, (_, index) =>
        index % 2 === 0 ? exporter.scrape({ 'X-Prometheus-Scrape-Timeout-Seconds': hostile[(index / 2) % hostile.length] ?? '' }) : exporter.scrape(),
      ),
    );
    expect(scrapes.map((metrics) => metrics.value('valkey_up'))).toEqual(scrapes.map(() => 1));
    // The connection was never dropped for a deadline that passed at once.
    expect(scrapes.at(-1)?.value('valkey_exporter_connects_total')).toBe(1);
    expect(exporter.logs.filter((line) => line.includes('scrape failed'))).toEqual([]);
  });
});
