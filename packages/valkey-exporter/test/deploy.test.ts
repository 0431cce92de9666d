import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allFlags } from '@keepwatch/core/bootstrap';
import { parseFlags } from '@keepwatch/core/cli';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { bundle } from '../scripts/bundle.ts';
import { dockerfilePath, imageCommandLine } from '../scripts/image.ts';
import { defaultPort, valkeyExporter } from '../src/definition.ts';
import { parseMetrics } from './harness/exporter.ts';
import { freePort, type ServerHandle, startServer, waitFor } from './harness/servers.ts';

const repo = new URL('../../../', import.meta.url).pathname;
const dockerfile = readFileSync(dockerfilePath, 'utf8');

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

  test("starts with plain node and the image's node flags and environment, serves metrics with up 1, stops on SIGTERM", async () => {
    const port = await freePort();
    const image = imageCommandLine();
    expect(image.nodeFlags.length).toBeGreaterThan(0);
    const child = spawn(process.execPath, [...image.nodeFlags, bundleCopy, '--valkey.addr', server.url, '--web.listen-address', `127.0.0.1:${port}`], {
      cwd: tmpdir(),
      env: { ...process.env, ...image.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const text = await waitFor('bundle serving', async () => {
        const response = await fetch(`http://127.0.0.1:${port}/metrics`);
        return response.ok ? response.text() : undefined;
      });
      const metrics = parseMetrics(text);
      expect(metrics.value('valkey_up')).toBe(1);
      expect(metrics.value('valkey_exporter_unknown_info_fields')).toBe(0);
      expect(metrics.all('valkey_exporter_build_info')[0]?.labels.version).toBe(valkeyExporter.version);
    } finally {
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
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
