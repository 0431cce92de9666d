import { execFileSync } from 'node:child_process';
import { freePort } from '@keepwatch/testing';
import { atLeast, serverBuilds } from '@keepwatch/testing/builds';
import { type ServerHandle, startServer, tlsCertificateArgs } from '@keepwatch/testing/servers';
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
      args: ['--tls-port', String(tlsPort), ...tlsCertificateArgs(file), '--tls-auth-clients', 'yes'],
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

/** What openssl says of a certificate file: seconds until notAfter, and the serial as INFO prints it. */
function certificateFacts(path: string): { secondsLeft: number; serial: string } {
  const out = execFileSync('openssl', ['x509', '-noout', '-enddate', '-serial', '-in', path], { encoding: 'utf8' });
  const notAfter = /notAfter=(.+)/.exec(out)?.[1] ?? '';
  const serial = /serial=([0-9A-F]+)/.exec(out)?.[1] ?? '';
  return { secondsLeft: (Date.parse(notAfter) - Date.now()) / 1000, serial };
}

describe.each(serverBuilds.filter((build) => build.flavour === 'valkey'))('certificate expiry from a real $id server with TLS', (build) => {
  let server: ServerHandle;
  let file: (name: string) => string;
  const reportsExpiry = atLeast(build, '9.1');

  beforeAll(async () => {
    // Valid for one day: the critical alert's range, as a certificate nobody renewed would be.
    file = makeCertificates(['ca'], { server: 'DNS:valkey.test', client: 'DNS:valkey-replica' }, 1);
    server = await startServer(build, {
      args: ['--tls-port', String(await freePort()), ...tlsCertificateArgs(file)],
    });
  });

  afterAll(async () => {
    await server?.dispose();
  });

  test(
    reportsExpiry ? 'seconds left and serial of the server and CA certificates, as openssl reads the files' : 'nothing before 9.1, and no unknown field',
    async () => {
      const exporter = await startTestExporter(['--valkey.addr', server.url]);
      try {
        const metrics = await exporter.scrape();
        expect(metrics.value('valkey_exporter_collector_success', { collector: 'tls' })).toBe(1);
        expect(metrics.value('valkey_exporter_unknown_info_fields')).toBe(0);
        if (!reportsExpiry) {
          expect(metrics.text).not.toMatch(/^valkey_tls_/m);
          return;
        }
        for (const [certificate, path] of [
          ['server', file('server.crt')],
          ['ca', file('ca.crt')],
        ] as const) {
          const facts = certificateFacts(path);
          const reported = metrics.value(`valkey_tls_${certificate}_cert_expires_in_seconds`) ?? Number.NaN;
          // Whole seconds, read a moment apart.
          expect(Math.abs(reported - facts.secondsLeft), certificate).toBeLessThan(5);
          expect(reported).toBeLessThanOrEqual(86400);
          expect(metrics.value('valkey_tls_certificate_info', { certificate, serial: facts.serial })).toBe(1);
        }
      } finally {
        await exporter.close();
      }
    },
  );
});

describe.each(serverBuilds.filter((build) => build.flavour === 'valkey' && atLeast(build, '9.1')))('a real $id server without TLS', (build) => {
  test('prints serial none and 0 seconds, which is no certificate: nothing is exported', async () => {
    const server = await startServer(build);
    const exporter = await startTestExporter(['--valkey.addr', server.url]);
    try {
      expect(await server.admin().info('tls')).toContain('tls_server_cert_expires_in_seconds:0');
      const metrics = await exporter.scrape();
      expect(metrics.value('valkey_exporter_collector_success', { collector: 'tls' })).toBe(1);
      expect(metrics.text).not.toMatch(/^valkey_tls_/m);
    } finally {
      await exporter.close();
      await server.dispose();
    }
  });
});
