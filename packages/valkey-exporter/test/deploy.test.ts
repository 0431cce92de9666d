import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectDockerfileBuilds, expectProcessMetricsOf, freePort, isolatedCopy, scrapeWhenServing, startBundle, waitFor } from '@keepwatch/testing';
import { type ServerHandle, startServer, tlsCertificateArgs } from '@keepwatch/testing/servers';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bundle } from '../../../scripts/bundle/bundle.ts';
import { dockerfilePath, imageCommandLine } from '../../../scripts/bundle/image.ts';
import { makeCertificates } from '../../core/test/certificates.ts';
import { defaultPort, valkeyExporter } from '../src/definition.ts';
import { parseMetrics } from './harness/exporter.ts';

const dockerfile = readFileSync(dockerfilePath, 'utf8');
/** bcrypt (cost 4) of `scrape-secret`. */
const scrapeSecretHash = '$2b$04$O39gkyQtfq3XwQyWslRDoevoT2zOl3EytZssZzBHMBtq9xe95jEum';

describe('the production bundle the container image runs', () => {
  let server: ServerHandle;
  let bundleFile: string;

  beforeAll(async () => {
    server = await startServer('valkey');
    bundleFile = isolatedCopy(await bundle('valkey-exporter'));
  });

  afterAll(async () => {
    await server?.dispose();
  });

  test("starts with plain node and the image's node flags and environment, serves metrics with up 1, stops on SIGTERM", async () => {
    const port = await freePort();
    const exporter = startBundle(bundleFile, ['--valkey.addr', server.url, '--web.listen-address', `127.0.0.1:${port}`], imageCommandLine());
    try {
      const metrics = await scrapeWhenServing(port);
      expect(metrics.value('valkey_up')).toBe(1);
      expect(metrics.value('valkey_exporter_unknown_info_fields')).toBe(0);
      expect(metrics.all('valkey_exporter_build_info')[0]?.labels.version).toBe(valkeyExporter.version);
      expectProcessMetricsOf(exporter.pid, metrics);
      // The paths beside /metrics, with the modules the bundle leaves out (scripts/bundle/left-out.ts) absent.
      const status = async (path: string, init?: RequestInit) => (await fetch(`http://127.0.0.1:${port}${path}`, init)).status;
      expect(await status('/')).toBe(200);
      expect(await status('/-/healthy')).toBe(200);
      expect(await status('/nope')).toBe(404);
      expect(await status('/metrics', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":' })).toBe(400);
    } finally {
      // Plain TCP and no web config: OpenSSL is never initialised.
      expect(await exporter.stop()).toEqual({ code: 0, loaded: '' });
    }
  });

  test('loads TLS and crypto when it needs them: a rediss:// target, an HTTPS web config with basic auth', async () => {
    const certificate = makeCertificates(['ca'], { server: 'DNS:localhost', client: 'DNS:exporter' });
    const tlsPort = await freePort();
    const tlsServer = await startServer('valkey', {
      args: ['--tls-port', String(tlsPort), ...tlsCertificateArgs(certificate), '--tls-auth-clients', 'no'],
    });
    const webConfig = join(mkdtempSync(join(tmpdir(), 'keepwatch-web-')), 'web.yml');
    writeFileSync(
      webConfig,
      `tls_server_config:\n  cert_file: ${certificate('server.crt')}\n  key_file: ${certificate('server.key')}\nbasic_auth_users:\n  prometheus: ${scrapeSecretHash}\n`,
    );
    const port = await freePort();
    const exporter = startBundle(
      bundleFile,
      [
        '--valkey.addr',
        `rediss://127.0.0.1:${tlsPort}`,
        '--valkey.tls.ca-file',
        certificate('ca.crt'),
        '--valkey.tls.server-name',
        'localhost',
        '--web.config.file',
        webConfig,
        '--web.listen-address',
        `127.0.0.1:${port}`,
      ],
      imageCommandLine(),
    );
    const scrape = () =>
      new Promise<string>((resolve, reject) => {
        const req = httpsRequest(
          { host: '127.0.0.1', port, path: '/metrics', servername: 'localhost', ca: readFileSync(certificate('ca.crt')), auth: 'prometheus:scrape-secret' },
          (response) => {
            let body = '';
            response.on('data', (chunk: Buffer) => {
              body += chunk.toString();
            });
            response.on('end', () => resolve(response.statusCode === 200 ? body : ''));
          },
        );
        req.on('error', reject);
        req.end();
      });
    try {
      const text = await waitFor('bundle serving over HTTPS', async () => (await scrape().catch(() => '')) || undefined);
      expect(parseMetrics(text).value('valkey_up')).toBe(1);
    } finally {
      const { code, loaded } = await exporter.stop();
      await tlsServer.dispose();
      expect(code).toBe(0);
      expect(loaded?.split(',')).toEqual(expect.arrayContaining(['crypto', 'https', 'tls']));
    }
  });

  test('the Dockerfile runs the bundle of the exporter it is built for as a non-root user on a shell-less base', () => {
    expect(dockerfile).toContain('RUN pnpm install --frozen-lockfile && node scripts/bundle/bundle.ts "$EXPORTER"');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the Dockerfile's own variable syntax
    expect(dockerfile).toContain('COPY --from=build /src/packages/${EXPORTER}/dist/${EXPORTER}.mjs /app/exporter.mjs');
    expect(dockerfile.match(/^ARG EXPORTER=valkey-exporter$/gm)).toHaveLength(2);
    expectDockerfileBuilds(dockerfile, 'valkey-exporter', defaultPort);
    expect(dockerfile).toMatch(/^FROM gcr\.io\/distroless\/nodejs24-debian12:nonroot$/m);
    expect(dockerfile).toMatch(/^USER 65532:65532$/m);
    expect(dockerfile).toMatch(/^ENTRYPOINT \["\/nodejs\/bin\/node", .*"\/app\/exporter\.mjs"\]$/m);
    for (const label of ['title', 'description', 'source', 'version', 'base.name']) expect(dockerfile).toContain(`org.opencontainers.image.${label}=`);
  });

  test('the heap limits are in NODE_OPTIONS, which survives a command override, and node accepts them there', () => {
    const { env } = imageCommandLine();
    const check = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(require("node:v8").getHeapStatistics().heap_size_limit))'], {
      env: { ...process.env, NODE_OPTIONS: env.NODE_OPTIONS },
      encoding: 'utf8',
    });
    expect(check.status).toBe(0);
    expect(Number(check.stdout)).toBeLessThan(512 * 2 ** 20);
  });

  test('the health check needs no shell: node asks /-/healthy of a serving exporter (exit 0) and of a closed port (exit 1)', async () => {
    const healthcheck = JSON.parse(/^HEALTHCHECK .*CMD (\[.+\])$/m.exec(dockerfile)?.[1] ?? '[]') as string[];
    expect(healthcheck[0]).toBe('/nodejs/bin/node');
    const port = await freePort();
    const exporter = startBundle(bundleFile, ['--valkey.addr', server.url, '--web.listen-address', `127.0.0.1:${port}`], imageCommandLine());
    try {
      await scrapeWhenServing(port);
      const run = (url: string) => spawnSync(process.execPath, healthcheck.slice(1), { env: { KEEPWATCH_HEALTH_URL: url }, encoding: 'utf8' }).status;
      expect(run(`http://127.0.0.1:${port}/-/healthy`)).toBe(0);
      expect(run(`http://127.0.0.1:${await freePort()}/-/healthy`)).toBe(1);
    } finally {
      await exporter.stop();
    }
  });
});
