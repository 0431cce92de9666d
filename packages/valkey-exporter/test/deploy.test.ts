import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allFlags } from '@keepwatch/core/bootstrap';
import { parseFlags } from '@keepwatch/core/cli';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { makeCertificates } from '../../core/test/certificates.ts';
import { bundle } from '../scripts/bundle.ts';
import { dockerfilePath, imageCommandLine } from '../scripts/image.ts';
import { defaultPort, valkeyExporter } from '../src/definition.ts';
import { type Metrics, parseMetrics } from './harness/exporter.ts';
import { freePort, type ServerHandle, startServer, waitFor } from './harness/servers.ts';

const repo = new URL('../../../', import.meta.url).pathname;
const dockerfile = readFileSync(dockerfilePath, 'utf8');
/** bcrypt (cost 4) of `scrape-secret`. */
const scrapeSecretHash = '$2b$04$O39gkyQtfq3XwQyWslRDoevoT2zOl3EytZssZzBHMBtq9xe95jEum';
const reportBuiltins = new URL('./fixtures/report-builtins.mjs', import.meta.url).pathname;

/** The exporter's process_* metrics against what the kernel reports for its process, read right after the scrape. */
function expectProcessMetricsOf(pid: number, metrics: Metrics) {
  const ticksPerSecond = 100;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  const bootTime = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]);
  const started = bootTime + Number(stat[19]) / ticksPerSecond;
  expect(Math.abs((metrics.value('process_start_time_seconds') ?? 0) - started)).toBeLessThan(2);
  const cpu = (Number(stat[11]) + Number(stat[12])) / ticksPerSecond;
  expect(metrics.value('process_cpu_seconds_total')).toBeGreaterThan(0);
  expect(Math.abs((metrics.value('process_cpu_seconds_total') ?? 0) - cpu)).toBeLessThan(0.5);
  expect(metrics.value('process_cpu_seconds_total')).toBeCloseTo(
    (metrics.value('process_cpu_user_seconds_total') ?? 0) + (metrics.value('process_cpu_system_seconds_total') ?? 0),
    6,
  );
  const residentKiB = Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  expect((metrics.value('process_resident_memory_bytes') ?? 0) / 1024 / residentKiB).toBeGreaterThan(0.8);
  expect((metrics.value('process_resident_memory_bytes') ?? 0) / 1024 / residentKiB).toBeLessThan(1.2);
  const softLimit = /^Max open files\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'))?.[1];
  expect(metrics.value('process_max_fds')).toBe(Number(softLimit));
  expect(Math.abs((metrics.value('process_open_fds') ?? 0) - readdirSync(`/proc/${pid}/fd`).length)).toBeLessThanOrEqual(2);
  expect(metrics.value('nodejs_heap_size_used_bytes')).toBeLessThanOrEqual(metrics.value('nodejs_heap_size_total_bytes') ?? 0);
}

describe('the production bundle the container image runs', () => {
  let server: ServerHandle;
  let bundleCopy: string;

  beforeAll(async () => {
    server = await startServer('valkey');
    // Run it from a directory with no node_modules, as in the image.
    bundleCopy = join(mkdtempSync(join(tmpdir(), 'keepwatch-bundle-')), 'valkey-exporter.mjs');
    copyFileSync(await bundle(), bundleCopy);
  });

  afterAll(async () => {
    await server?.dispose();
  });

  /** Starts the bundle as the image does, plus a preload that reports which lazily bundled built-ins got loaded. */
  function startBundle(args: string[]) {
    const image = imageCommandLine();
    expect(image.nodeFlags.length).toBeGreaterThan(0);
    const child = spawn(process.execPath, [...image.nodeFlags, '--import', reportBuiltins, bundleCopy, ...args], {
      cwd: tmpdir(),
      env: { ...process.env, ...image.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    return {
      pid: child.pid as number,
      /** Stops it with SIGTERM and resolves to the exit code and the built-ins it loaded. */
      async stop(): Promise<{ code: number | null; loaded: string | undefined }> {
        const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const code = await exited;
        return { code, loaded: /loaded built-ins: \[(.*)\]/.exec(stderr)?.[1] };
      },
    };
  }

  test("starts with plain node and the image's node flags and environment, serves metrics with up 1, stops on SIGTERM", async () => {
    const port = await freePort();
    const exporter = startBundle(['--valkey.addr', server.url, '--web.listen-address', `127.0.0.1:${port}`]);
    try {
      const text = await waitFor('bundle serving', async () => {
        const response = await fetch(`http://127.0.0.1:${port}/metrics`);
        return response.ok ? response.text() : undefined;
      });
      const metrics = parseMetrics(text);
      expect(metrics.value('valkey_up')).toBe(1);
      expect(metrics.value('valkey_exporter_unknown_info_fields')).toBe(0);
      expect(metrics.all('valkey_exporter_build_info')[0]?.labels.version).toBe(valkeyExporter.version);
      expectProcessMetricsOf(exporter.pid, metrics);
    } finally {
      // Plain TCP and no web config: OpenSSL is never initialised.
      expect(await exporter.stop()).toEqual({ code: 0, loaded: '' });
    }
  });

  test('loads TLS and crypto when it needs them: a rediss:// target, an HTTPS web config with basic auth', async () => {
    const certificate = makeCertificates(['ca'], { server: 'DNS:localhost', client: 'DNS:exporter' });
    const tlsPort = await freePort();
    const tlsServer = await startServer('valkey', {
      args: [
        '--tls-port',
        String(tlsPort),
        '--tls-cert-file',
        certificate('server.crt'),
        '--tls-key-file',
        certificate('server.key'),
        '--tls-ca-cert-file',
        certificate('ca.crt'),
        '--tls-auth-clients',
        'no',
      ],
    });
    const webConfig = join(mkdtempSync(join(tmpdir(), 'keepwatch-web-')), 'web.yml');
    writeFileSync(
      webConfig,
      `tls_server_config:\n  cert_file: ${certificate('server.crt')}\n  key_file: ${certificate('server.key')}\nbasic_auth_users:\n  prometheus: ${scrapeSecretHash}\n`,
    );
    const port = await freePort();
    const exporter = startBundle([
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
    ]);
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

  test('the Dockerfile runs that bundle as a non-root user on a shell-less base', () => {
    expect(dockerfile).toContain('RUN pnpm install --frozen-lockfile && node packages/valkey-exporter/scripts/bundle.ts');
    expect(dockerfile).toContain('COPY --from=build /src/packages/valkey-exporter/dist/valkey-exporter.mjs /app/valkey-exporter.mjs');
    expect(dockerfile).toMatch(/^FROM gcr\.io\/distroless\/nodejs24-debian12:nonroot$/m);
    expect(dockerfile).toMatch(/^USER 65532:65532$/m);
    expect(dockerfile).toContain(`EXPOSE ${defaultPort}`);
    expect(dockerfile).toMatch(/^ENTRYPOINT \["\/nodejs\/bin\/node", .*"\/app\/valkey-exporter\.mjs"\]$/m);
  });
});

describe('the Kubernetes sidecar example', () => {
  const documents = parseAllDocuments(readFileSync(join(repo, 'deploy/kubernetes/valkey-sidecar.yaml'), 'utf8')).map((document) => document.toJS());
  const statefulSet = documents.find((document) => document.kind === 'StatefulSet');
  const sidecar = statefulSet.spec.template.spec.containers.find((container: { name: string }) => container.name === 'valkey-exporter');

  test('its exporter arguments are valid flags of this version', () => {
    const parsed = parseFlags(allFlags(valkeyExporter), sidecar.args, {}, valkeyExporter);
    expect(parsed.flags?.get('valkey.password-file')).toBe('/run/secrets/valkey-exporter/password');
    const valkey = statefulSet.spec.template.spec.containers.find((container: { name: string }) => container.name === 'valkey');
    expect(valkey.args.join(' ')).toContain(`--logfile ${parsed.flags?.get('log.file')}`);
    expect(sidecar.args.join(' ')).not.toMatch(/password=(?!\/)/);
  });

  test('hardened: non-root, read-only, no capabilities; probes on the endpoints that do not touch the database', () => {
    expect(sidecar.securityContext).toMatchObject({
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(sidecar.livenessProbe.httpGet.path).toBe('/-/healthy');
    expect(sidecar.readinessProbe.httpGet.path).toBe('/-/ready');
    expect(sidecar.ports[0]).toEqual({ name: 'metrics', containerPort: defaultPort });
    expect(documents.find((document) => document.kind === 'PodMonitor').spec.podMetricsEndpoints[0].port).toBe('metrics');
  });
});
