import { resp, startHostileRespServer } from '@keepwatch/testing';
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

  test.each([
    ['blocked (rename-command CONFIG "")', '', [], 1, undefined],
    ['renamed, and named with --valkey.config-command', 'HIDDEN-CFG', ['--valkey.config-command', 'HIDDEN-CFG'], 0, 1],
  ])(
    'a hardened server with CONFIG %s: the posture collector keeps working and says what it cannot know',
    async (_what, renamed, flags, unreadable, protectedMode) => {
      const hardened = await startServer('valkey', { args: ['--rename-command', 'CONFIG', renamed] });
      const scraper = await startTestExporter(['--valkey.addr', hardened.url, ...flags]);
      try {
        let metrics = await scraper.scrape();
        for (let i = 0; i < 3; i += 1) metrics = await scraper.scrape();
        expect(metrics.value('valkey_exporter_collector_success', { collector: 'posture' })).toBe(1);
        expect(metrics.value('valkey_security_config_unreadable')).toBe(unreadable);
        expect(metrics.value('valkey_security_protected_mode_enabled')).toBe(protectedMode);
        expect(metrics.value('valkey_security_default_user_nopass')).toBe(1);
        // A blocked CONFIG is sent once per connection, not every scrape.
        const errors = (await hardened.admin().info('errorstats')).match(/errorstat_ERR:count=(\d+)/)?.[1];
        expect(Number(errors ?? 0)).toBe(unreadable);
      } finally {
        await scraper.close();
        await hardened.dispose();
      }
    },
  );

  describe('a hostile or broken server', () => {
    const server = ['# Server', 'redis_version:7.2.4', 'server_name:valkey', 'valkey_version:8.0.1', 'tcp_port:6379', ''].join('\r\n');
    /** The handshake's INFO is a real server's; INFO ALL answers `infoAll`; everything else is refused. */
    const hostile = (infoAll: () => string) =>
      startHostileRespServer((argv) => {
        const command = argv.map((part) => part.toUpperCase()).join(' ');
        if (command === 'INFO') return resp.bulk(server);
        if (command === 'INFO ALL') return infoAll();
        if (command.startsWith('CLIENT SETNAME')) return resp.ok;
        return resp.error(`ERR unknown command '${argv[0]}'`);
      });

    test.each([
      ['a null bulk string', '$-1\r\n', 'INFO returned a null reply'],
      ['an integer', ':42\r\n', 'INFO returned a number reply'],
      ['an empty array', '*0\r\n', 'INFO returned an array reply'],
      ['a status reply', '+OK\r\n', 'INFO returned text without a Server section'],
      ['text without a Server section', resp.bulk('# Clients\r\nconnected_clients:1\r\n'), 'INFO returned text without a Server section'],
    ])('INFO ALL answered with %s is not a healthy target: up 0, no collector runs', async (_what, reply, reason) => {
      const target = await hostile(() => reply);
      const scraper = await startTestExporter(['--valkey.addr', target.url]);
      try {
        const metrics = await scraper.scrape();
        expect(metrics.value('valkey_up')).toBe(0);
        expect(metrics.collectorSuccess('valkey')).toEqual({});
        expect(metrics.all('valkey_instance_info')).toEqual([]);
        expect(scraper.logs.find((line) => line.includes('scrape failed'))).toContain(reason);
      } finally {
        await scraper.close();
        await target.close();
      }
    });

    test('8,000 invented commands and databases (just under the reply limit; 40,000 exceed it) stay within the label caps: bounded series, overflow summed', async () => {
      const count = 8_000;
      const lines = [server, '# Commandstats'];
      for (let i = 0; i < count; i += 1) lines.push(`cmdstat_evil${i}:calls=1,usec=2,usec_per_call=2.00,rejected_calls=0,failed_calls=0`);
      lines.push('cmdstat_flushall:calls=3,usec=9,usec_per_call=3.00,rejected_calls=1,failed_calls=0', '', '# Latencystats');
      for (let i = 0; i < count; i += 1) lines.push(`latency_percentiles_usec_evil${i}:p50=1.000,p99=2.000,p99.9=3.000`);
      lines.push('', '# Keyspace');
      for (let i = 0; i < count; i += 1) lines.push(`db${i}:keys=2,expires=1,avg_ttl=5,evil_attribute_${i % 100}=1`);
      const info = resp.bulk(`${lines.join('\r\n')}\r\n`);
      const target = await hostile(() => info);
      const scraper = await startTestExporter([
        '--valkey.addr',
        target.url,
        '--collector.commandstats.max-commands',
        '50',
        '--collector.keyspace.max-dbs',
        '10',
      ]);
      try {
        const metrics = await scraper.scrape();
        expect(metrics.value('valkey_up')).toBe(1);
        const commands = new Set(metrics.all('valkey_commands_total').map((sample) => sample.labels.cmd));
        // 50 invented names, every dangerous command (never under the cap), and the overflow.
        expect(commands.size).toBeLessThanOrEqual(50 + 30 + 1);
        expect(commands.has('flushall')).toBe(true);
        expect(metrics.value('valkey_commands_total', { cmd: '__overflow__' })).toBe(count - 50);
        expect(metrics.value('valkey_dangerous_commands_total', { cmd: 'flushall' })).toBe(3);
        expect(new Set(metrics.all('valkey_latency_percentiles_seconds').map((sample) => sample.labels.cmd)).size).toBe(50);
        expect(metrics.all('valkey_db_keys').map((sample) => sample.labels.db)).toHaveLength(11);
        expect(metrics.value('valkey_db_keys', { db: '__overflow__' })).toBe(2 * (count - 10));
        expect(metrics.all('valkey_db_avg_ttl_seconds')).toHaveLength(10);
        expect(new Set(metrics.samples.map((sample) => sample.name).filter((name) => name.startsWith('valkey_db_evil_attribute'))).size).toBe(16);
        expect(metrics.samples.length).toBeLessThan(2000);
      } finally {
        await scraper.close();
        await target.close();
      }
    });

    test('a reply beyond the size limit is cut off as it arrives: up 0 and one clear line', async () => {
      const huge = resp.bulk(`${server}# Evil\r\n${'x:y\r\n'.repeat(3_000_000)}`);
      const target = await hostile(() => huge);
      const scraper = await startTestExporter(['--valkey.addr', target.url]);
      try {
        const metrics = await scraper.scrape();
        expect(metrics.value('valkey_up')).toBe(0);
        expect(scraper.logs.find((line) => line.includes('scrape failed'))).toContain("the server's replies to one scrape exceeded the limit of 2 MiB");
      } finally {
        await scraper.close();
        await target.close();
      }
    });
  });
});
