import { readFileSync } from 'node:fs';
import { runCli } from '@keepwatch/testing';
import { type MilvusStandin, startMilvusStandin } from '@keepwatch/testing/milvus-standin';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeCertificates } from '../../core/test/certificates.ts';
import { milvusExporter } from '../src/definition.ts';
import { startTestExporter } from './harness/exporter.ts';

const main = new URL('../src/main.ts', import.meta.url).pathname;
const run = (args: string[], env: Record<string, string> = {}) => runCli(main, args, env);

function oneLine(result: ReturnType<typeof run>, expected: string) {
  expect(result.status).toBe(2);
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
  expect(result.stderr).toContain(expected);
}

describe('the milvus-exporter command line', () => {
  test('--help lists the Milvus flags with their environment variables and the default port', () => {
    const result = run(['--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('--milvus.address');
    expect(result.stdout).toContain('[env MILVUS_ADDRESS]');
    expect(result.stdout).toContain('[env MILVUS_TOKEN_FILE]');
    expect(result.stdout).toContain('[env MILVUS_EXPORTER_COLLECTOR_COLLECTIONS_LIMIT]');
    expect(result.stdout).toContain(`:${milvusExporter.defaultPort}`);
    expect(run(['--version']).stdout.trim()).toBe(milvusExporter.version);
  });

  test('mistakes are one line naming the flag, exit 2, no secret echoed', () => {
    oneLine(run(['--milvus.address', 'localhost']), '--milvus.address "localhost" is not host:port');
    oneLine(run(['--milvus.address', 'grpc://h:1']), 'is not host:port, http://host:port or https://host:port');
    for (const address of ['http://root:canary-"pw\\%@milvus:19530', 'root:canary-pw@milvus:19530', 'https://canary-token@milvus:19530']) {
      const withCredentials = run(['--milvus.address', address]);
      oneLine(withCredentials, 'contains credentials; use --milvus.username with --milvus.password-file, or --milvus.token-file');
      expect(withCredentials.stderr).toContain('<userinfo>@milvus:19530');
      expect(withCredentials.stderr).not.toMatch(/canary/);
    }
    oneLine(run(['--milvus.password-file', '/nonexistent/pw']), 'KW_ERR_FILE: --milvus.password-file /nonexistent/pw: cannot read the file (ENOENT)');
    oneLine(run(['--milvus.username', 'exporter']), '--milvus.username needs --milvus.password-file or MILVUS_PASSWORD');
    const both = run(['--milvus.username', 'u'], { MILVUS_PASSWORD: 'canary-pw', MILVUS_TOKEN: 'canary-token' });
    oneLine(both, 'either a token');
    expect(both.stderr).not.toMatch(/canary/);
    oneLine(run(['--collector.collections.include', '(']), '--collector.collections.include "(" is not a valid regular expression');
    oneLine(run(['--collector.collections.limit', '0']), '--collector.collections.limit "0" is out of range: a whole number from 1 to 100000');
    oneLine(run(['--milvus.timeout', '0']), '--milvus.timeout "0" is out of range: 0.1 to 3600 seconds');
    // Accepted once and made every scrape up 0 (a NaN timer).
    oneLine(run(['--milvus.timeout', '1e308']), '--milvus.timeout "1e308" is out of range: 0.1 to 3600 seconds');
    oneLine(run(['--milvus.concurrency', '0.5']), '--milvus.concurrency "0.5" is out of range: a whole number from 1 to 64');
    oneLine(run(['--collector.collections.refresh-interval', '-1']), '--collector.collections.refresh-interval "-1" is out of range: 0 to 86400 seconds');
    oneLine(run(['--web.max-scrape-timeout', '1e9']), '--web.max-scrape-timeout "1e9" is out of range: 1 to 3600 seconds');
    oneLine(
      run(['--scrape.timeout-offset', '5', '--web.max-scrape-timeout', '5']),
      '--scrape.timeout-offset 5 leaves no time within --web.max-scrape-timeout 5',
    );
    oneLine(run(['--milvus.tls.cert-file', main]), '--milvus.tls.cert-file and --milvus.tls.key-file must be given together');
  });

  test('no credentials where Milvus requires them: up 0 and the flags to set', async () => {
    const milvus = await startMilvusStandin((state) => {
      state.users = new Map([['root', 'Milvus']]);
    });
    const exporter = await startTestExporter(milvus.address);
    try {
      expect((await exporter.scrape()).value('milvus_up')).toBe(0);
      expect(exporter.logs.join('\n')).toContain(
        'requires credentials (missing authorization in header): set --milvus.username with --milvus.password-file, or --milvus.token-file',
      );
    } finally {
      await exporter.close();
      await milvus.close();
    }
  });
});

describe('TLS to Milvus (mutual TLS)', () => {
  let milvus: MilvusStandin;
  let file: (name: string) => string;

  beforeAll(async () => {
    file = makeCertificates(['ca', 'other-ca'], { server: 'DNS:milvus.test', client: 'DNS:exporter' });
    const read = (name: string) => readFileSync(file(name));
    milvus = await startMilvusStandin(undefined, 0, { ca: read('ca.crt'), cert: read('server.crt'), key: read('server.key') });
  });
  afterAll(() => milvus.close());

  const base = () => ['--milvus.tls.server-name', 'milvus.test', '--milvus.tls.cert-file', file('client.crt'), '--milvus.tls.key-file', file('client.key')];

  test('a verified server certificate and a client certificate: up 1', async () => {
    const exporter = await startTestExporter(milvus.address, [...base(), '--milvus.tls.ca-file', file('ca.crt')]);
    try {
      expect((await exporter.scrape()).value('milvus_up')).toBe(1);
    } finally {
      await exporter.close();
    }
  });

  test('a server certificate from another CA: up 0, nothing read', async () => {
    const exporter = await startTestExporter(milvus.address, [...base(), '--milvus.tls.ca-file', file('other-ca.crt')]);
    try {
      expect((await exporter.scrape()).value('milvus_up')).toBe(0);
      expect(exporter.logs.join('\n')).toContain('KW_ERR_TARGET_UNREACHABLE');
    } finally {
      await exporter.close();
    }
  });

  test('plain text to a TLS server: up 0', async () => {
    const exporter = await startTestExporter(milvus.address);
    try {
      expect((await exporter.scrape()).value('milvus_up')).toBe(0);
    } finally {
      await exporter.close();
    }
  });
});
