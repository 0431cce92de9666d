import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import bcrypt from 'bcryptjs';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { createHttpApp, type HttpAppOptions } from '../src/http/app.ts';
import { HttpRefusals } from '../src/http/refusals.ts';
import { createLogger } from '../src/log.ts';
import { gauge } from '../src/metrics/descriptor.ts';
import { MetricSink } from '../src/metrics/family.ts';
import { BasicAuthChecker } from '../src/web-config/basic-auth.ts';
import { loadWebConfig } from '../src/web-config/schema.ts';
import { makeCertificates } from './certificates.ts';

const dir = mkdtempSync(join(tmpdir(), 'keepwatch-web-'));
const file = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

/** `observe` swaps in a logger and refusal counter the test reads; by default the log is silent. */
function makeApp(webConfigFile?: string, observe: Partial<Pick<HttpAppOptions, 'log' | 'refusals'>> = {}) {
  const sink = new MetricSink('kw');
  sink.emit(gauge('up', 'Up.'), 1);
  return createHttpApp({
    landing: { name: 'kw-exporter', description: 'Test <exporter>', version: '1.0', target: 'redis://db:6379' },
    telemetryPath: '/metrics',
    scrapeTimeout: { offsetSeconds: 0.5, maxSeconds: 120 },
    webConfigFile,
    log: observe.log ?? createLogger({ level: 'error', format: 'logfmt', write: () => {} }),
    scrape: async () => [sink],
    ...(observe.refusals === undefined ? {} : { refusals: observe.refusals }),
  });
}

describe('web config validation (exporter-toolkit schema)', () => {
  const hash = bcrypt.hashSync('right', 4);
  const cases: [string, string, RegExp | null][] = [
    ['empty file', '', null],
    ['basic auth with a bcrypt hash', `basic_auth_users:\n  alice: ${hash}\n`, null],
    ['allowed headers', 'http_server_config:\n  headers:\n    X-Frame-Options: deny\n', null],
    ['rate limit', 'rate_limit:\n  interval: 1s\n  burst: 5\n', null],
    ['plaintext password', 'basic_auth_users:\n  alice: hunter2\n', /basic_auth_users\.alice is not a bcrypt hash/],
    ['unknown top-level key', 'tls_config: {}\n', /unknown key tls_config/],
    ['header outside the allowlist', 'http_server_config:\n  headers:\n    Server: x\n', /headers\.Server is not allowed/],
    ['TLS below 1.2', 'tls_server_config:\n  cert: a\n  key: b\n  min_version: TLS11\n', /min_version "TLS11" is not allowed \(TLS12 or TLS13/],
    [
      'a missing certificate file',
      'tls_server_config:\n  cert_file: nope.crt\n  key_file: nope.key\n',
      /tls_server_config\.cert_file .*nope\.crt: cannot read the file \(ENOENT\)/,
    ],
    ['TLS without a key', 'tls_server_config:\n  cert: abc\n', /key_file is required/],
    ['client CA without client auth', 'tls_server_config:\n  cert: a\n  key: b\n  client_ca: c\n', /client_ca_file requires a client_auth_type/],
    ['bad client auth type', 'tls_server_config:\n  cert: a\n  key: b\n  client_auth_type: Sometimes\n', /client_auth_type "Sometimes" is not one of/],
    ['bad duration', 'rate_limit:\n  interval: soon\n', /rate_limit\.interval "soon" is not a duration/],
    ['not YAML', 'a: [\n', /not valid YAML/],
    [
      'cipher suites',
      'tls_server_config:\n  cert: a\n  key: b\n  cipher_suites: [TLS_AES_128_GCM_SHA256]\n',
      /cipher_suites and curve_preferences are not supported/,
    ],
  ];
  test.each(cases)('%s', (_name, content, error) => {
    const path = file('web.yml', content);
    if (error === null) expect(() => loadWebConfig(path)).not.toThrow();
    else expect(() => loadWebConfig(path)).toThrow(error);
  });
});

describe('HTTP endpoints', () => {
  test('landing page escapes, health and readiness do not scrape, unknown paths are 404', async () => {
    const app = makeApp();
    const landing = await app.inject({ url: '/' });
    expect(landing.statusCode).toBe(200);
    expect(landing.body).toContain('Test &#60;exporter&#62;');
    expect(landing.body).toContain('href="/metrics"');
    expect((await app.inject({ url: '/-/healthy' })).body).toBe('Healthy\n');
    expect((await app.inject({ url: '/-/ready' })).body).toBe('Ready\n');
    expect((await app.inject({ url: '/nope' })).statusCode).toBe(404);
  });

  test('metrics: text format, OpenMetrics on request, gzip on request', async () => {
    const app = makeApp();
    const plain = await app.inject({ url: '/metrics' });
    expect(plain.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(plain.body).toContain('kw_up 1');
    const open = await app.inject({ url: '/metrics', headers: { accept: 'application/openmetrics-text; version=1.0.0' } });
    expect(open.headers['content-type']).toContain('application/openmetrics-text');
    expect(open.body.endsWith('# EOF\n')).toBe(true);
    const zipped = await app.inject({ url: '/metrics', headers: { 'accept-encoding': 'gzip' } });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(zipped.rawPayload).toString()).toBe(plain.body);
  });

  test('basic auth: 401 without or with wrong credentials, 200 with the right ones, unknown users rejected', async () => {
    const app = makeApp(file('auth.yml', `basic_auth_users:\n  alice: ${bcrypt.hashSync('right', 4)}\n`));
    const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    const none = await app.inject({ url: '/metrics' });
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Basic');
    expect((await app.inject({ url: '/metrics', headers: { authorization: basic('alice', 'wrong') } })).statusCode).toBe(401);
    expect((await app.inject({ url: '/metrics', headers: { authorization: basic('mallory', 'right') } })).statusCode).toBe(401);
    expect((await app.inject({ url: '/metrics', headers: { authorization: basic('alice', 'right') } })).statusCode).toBe(200);
    // Cached result, same answer.
    expect((await app.inject({ url: '/metrics', headers: { authorization: basic('alice', 'right') } })).statusCode).toBe(200);
  });

  test('configured headers are sent; the rate limit answers 429 beyond the burst', async () => {
    const app = makeApp(file('rate.yml', 'rate_limit:\n  interval: 1h\n  burst: 2\nhttp_server_config:\n  headers:\n    X-Content-Type-Options: nosniff\n'));
    const first = await app.inject({ url: '/-/healthy' });
    expect(first.headers['x-content-type-options']).toBe('nosniff');
    expect((await app.inject({ url: '/-/healthy' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/-/healthy' })).statusCode).toBe(429);
  });

  test('the web config is re-read when it changes; a broken file refuses requests until fixed', async () => {
    const path = file('reload.yml', '');
    const app = makeApp(path);
    expect((await app.inject({ url: '/-/healthy' })).statusCode).toBe(200);
    // Edits in quick succession, within one timestamp tick of the filesystem: each one counts.
    const edits: [string, number][] = [
      [`basic_auth_users:\n  alice: ${bcrypt.hashSync('right', 4)}\n`, 401],
      ['basic_auth_users: [\n', 500],
      ['', 200],
      ['rate_limit:\n  interval: 1h\n  burst: 1\n', 200],
      ['rate_limit:\n  interval: 1h\n  burst: 2\n', 200],
    ];
    for (const [content, status] of edits) {
      // As on a filesystem whose timestamps tick every few ms: the edit leaves the modification time as it was.
      const { atime, mtime } = statSync(path);
      writeFileSync(path, content);
      utimesSync(path, atime, mtime);
      expect((await app.inject({ url: '/-/healthy' })).statusCode, content).toBe(status);
    }
    // The last edit (same size, same time) was seen: a fresh bucket of two allows one more request, then refuses.
    expect((await app.inject({ url: '/-/healthy' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/-/healthy' })).statusCode).toBe(429);
  });
});

describe('basic auth and abuse under attack', () => {
  const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  /** An app whose log lines (info and above) and refusal counts the test reads. */
  const observedApp = (webConfigFile: string | undefined) => {
    const lines: string[] = [];
    const refusals = new HttpRefusals();
    const app = makeApp(webConfigFile, { log: createLogger({ level: 'info', format: 'logfmt', write: (line) => lines.push(line) }), refusals });
    const refused = () => {
      const sink = new MetricSink('kw');
      refusals.describe(sink);
      return Object.fromEntries((sink.families()[0]?.samples ?? []).map((sample) => [sample.labels.reason, sample.value]));
    };
    return { app, lines, refused };
  };

  test('a verified login survives 1,100 distinct bad ones: it is never checked (or queued) again', async () => {
    const users = new Map([['prometheus', bcrypt.hashSync('right', 4)]]);
    const checker = new BasicAuthChecker();
    expect(await checker.check(users, basic('prometheus', 'right'))).toBe('ok');
    const compare = vi.spyOn(bcrypt, 'compare');
    try {
      for (let i = 0; i < 1100; i += 1) expect(await checker.check(users, basic('prometheus', `guess-${i}`))).toBe('unauthorized');
      expect(compare).toHaveBeenCalledTimes(1100);
      expect(await checker.check(users, basic('prometheus', 'right'))).toBe('ok');
      // A bad login seen before is answered from memory too.
      expect(await checker.check(users, basic('prometheus', 'guess-1099'))).toBe('unauthorized');
      expect(compare).toHaveBeenCalledTimes(1100);
    } finally {
      compare.mockRestore();
    }
  });

  test('a bounded flood of new bad logins: at most 8 wait for bcrypt, the rest are refused at once, and the verified scraper is answered first', async () => {
    const { app, lines, refused } = observedApp(file('flood.yml', `basic_auth_users:\n  prometheus: ${bcrypt.hashSync('right', 10)}\n`));
    expect((await app.inject({ url: '/metrics', headers: { authorization: basic('prometheus', 'right') } })).statusCode).toBe(200);
    const finished: string[] = [];
    const flood = Array.from({ length: 40 }, (_, i) =>
      app.inject({ url: '/metrics', headers: { authorization: basic('prometheus', `guess-${i}`) } }).then((response) => {
        finished.push('attacker');
        return response.statusCode;
      }),
    );
    const scraper = app.inject({ url: '/metrics', headers: { authorization: basic('prometheus', 'right') } }).then((response) => {
      finished.push('scraper');
      return response.statusCode;
    });
    const statuses = await Promise.all(flood);
    expect(await scraper).toBe(200);
    // The scraper did not queue behind the bcrypt checks of the flood: it finished before the last of them.
    expect(finished.indexOf('scraper')).toBeLessThan(finished.lastIndexOf('attacker'));
    expect(statuses.filter((status) => status === 401)).toHaveLength(8);
    expect(statuses.filter((status) => status === 429)).toHaveLength(32);
    expect(refused()).toMatchObject({ unauthorized: 8, auth_busy: 32 });
    expect(lines).toEqual([]);
  });

  test('oversized bodies are refused with their own status, counted, and logged at debug only (one error line each before)', async () => {
    const { app, lines, refused } = observedApp(undefined);
    for (let i = 0; i < 5; i += 1) {
      const response = await app.inject({ method: 'POST', url: '/metrics', payload: 'x'.repeat(2 * 2 ** 20), headers: { 'content-type': 'application/json' } });
      expect(response.statusCode).toBe(413);
    }
    expect(refused()).toMatchObject({ bad_request: 5 });
    expect(lines).toEqual([]);
  });
});

describe('TLS served from the web config', () => {
  let app: ReturnType<typeof makeApp>;
  let port: number;
  let pem: (name: string) => string;

  beforeAll(async () => {
    const certificate = makeCertificates(['ca'], { server: 'DNS:localhost', client: 'DNS:prometheus', intruder: 'DNS:intruder' });
    pem = certificate;
    const config = file(
      'tls.yml',
      `tls_server_config:\n  cert_file: ${certificate('server.crt')}\n  key_file: ${certificate('server.key')}\n  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ${certificate('ca.crt')}\n  client_allowed_sans: [prometheus]\n`,
    );
    app = makeApp(config);
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    port = Number(new URL(address).port);
  });

  afterAll(async () => {
    await app?.close();
  });

  const get = (options: { cert?: 'client' | 'intruder' }) =>
    new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: '/metrics',
          servername: 'localhost',
          ca: readFileSync(pem('ca.crt')),
          ...(options.cert ? { cert: readFileSync(pem(`${options.cert}.crt`)), key: readFileSync(pem(`${options.cert}.key`)) } : {}),
        },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });

  test('a verified client certificate with an allowed SAN gets metrics', async () => {
    expect(await get({ cert: 'client' })).toBe(200);
  });

  test('a verified client certificate whose SAN is not in client_allowed_sans: 403', async () => {
    expect(await get({ cert: 'intruder' })).toBe(403);
  });

  test('no client certificate: the server refuses the handshake', async () => {
    await expect(get({})).rejects.toThrow(/certificate required/);
  });

  /**
   * A handshake by OpenSSL's own client, which really offers the given version (Node's client refuses TLS 1.1
   * itself). Asynchronous: the server answering it runs in this process.
   */
  const opensslHandshake = (version: '-tls1_1' | '-tls1_2') =>
    new Promise<{ status: number | null; output: string }>((resolve, reject) => {
      const client = spawn(
        'openssl',
        [
          's_client',
          '-connect',
          `127.0.0.1:${port}`,
          version,
          // OpenSSL 3 disables TLS 1.1 below security level 0: without this the client, not the server, would refuse.
          '-cipher',
          'DEFAULT@SECLEVEL=0',
          '-servername',
          'localhost',
          '-CAfile',
          pem('ca.crt'),
          '-cert',
          pem('client.crt'),
          '-key',
          pem('client.key'),
        ],
        { stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 },
      );
      let output = '';
      client.stdout.on('data', (chunk: Buffer) => (output += chunk));
      client.stderr.on('data', (chunk: Buffer) => (output += chunk));
      client.on('error', reject);
      client.on('close', (status) => resolve({ status, output }));
    });

  test('TLS 1.1 offered by a client that really speaks it: the server answers with a protocol-version alert', async () => {
    const refused = await opensslHandshake('-tls1_1');
    expect(refused.output).toMatch(/alert protocol version/);
    expect(refused.status).not.toBe(0);
    // The same client at TLS 1.2 completes the handshake: the refusal above is about the version alone.
    const accepted = await opensslHandshake('-tls1_2');
    expect(accepted.output).toMatch(/Protocol\s*: TLSv1\.2/);
  });
});
