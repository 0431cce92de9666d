import { freePort } from '@keepwatch/testing';
import { type ServerHandle, startServer } from '@keepwatch/testing/servers';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeCertificates } from '../../core/test/certificates.ts';
import { startTestExporter } from './harness/exporter.ts';

describe('TLS to the server (rediss://, mutual TLS)', () => {
  let server: ServerHandle;
  let tlsPort: number;
  let file: (name: string) => string;

  beforeAll(async () => {
    file = makeCertificates(['ca', 'other-ca'], { server: 'DNS:valkey.test', client: 'DNS:exporter' });
    tlsPort = await freePort();
    server = await startServer('valkey', {
      args: [
        '--tls-port',
        String(tlsPort),
        '--tls-cert-file',
        file('server.crt'),
        '--tls-key-file',
        file('server.key'),
        '--tls-ca-cert-file',
        file('ca.crt'),
        '--tls-auth-clients',
        'yes',
      ],
    });
  });

  afterAll(async () => {
    await server?.dispose();
  });

  const base = () => [
    '--valkey.addr',
    `rediss://127.0.0.1:${tlsPort}`,
    '--valkey.tls.server-name',
    'valkey.test',
    '--valkey.tls.cert-file',
    file('client.crt'),
    '--valkey.tls.key-file',
    file('client.key'),
  ];

  test('verified server certificate and a client certificate: up 1', async () => {
    const exporter = await startTestExporter([...base(), '--valkey.tls.ca-file', file('ca.crt')]);
    try {
      expect((await exporter.scrape()).value('valkey_up')).toBe(1);
    } finally {
      await exporter.close();
    }
  });

  test('a server certificate from another CA is refused: up 0 and a clear line', async () => {
    const exporter = await startTestExporter([...base(), '--valkey.tls.ca-file', file('other-ca.crt')]);
    try {
      expect((await exporter.scrape({ 'X-Prometheus-Scrape-Timeout-Seconds': '3' })).value('valkey_up')).toBe(0);
      expect(exporter.logs.some((line) => line.includes('KW_ERR_TARGET_UNREACHABLE') && /certificate/i.test(line))).toBe(true);
    } finally {
      await exporter.close();
    }
  });

  test('a server name the certificate does not carry is refused', async () => {
    const args = [...base(), '--valkey.tls.ca-file', file('ca.crt')];
    args[3] = 'someone-else.test';
    const exporter = await startTestExporter(args);
    try {
      expect((await exporter.scrape({ 'X-Prometheus-Scrape-Timeout-Seconds': '3' })).value('valkey_up')).toBe(0);
    } finally {
      await exporter.close();
    }
  });
});
