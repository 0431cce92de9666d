import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allFlags } from '@keepwatch/core/bootstrap';
import { freePort, isolatedCopy, readFixture, scrapeWhenServing, startBundle } from '@keepwatch/testing';
import { type ServerHandle, startServer, tlsCertificateArgs } from '@keepwatch/testing/servers';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { bundle } from '../../../scripts/bundle/bundle.ts';
import { entrypoint, imageCommandLine } from '../../../scripts/bundle/image.ts';
import { makeCertificates } from '../../core/test/certificates.ts';
import packageJson from '../package.json' with { type: 'json' };
import { valkeyExporter } from '../src/definition.ts';

interface RenderedContainer {
  case: string;
  command: string[];
  env: { name: string; value?: string; secret?: string }[];
  mounts: Record<string, string>;
}

const repo = new URL('../../../', import.meta.url).pathname;
const password = 'chart-Secret-9f2';

describe.each(['valkey', 'redis'] as const)('the bitnami/%s chart with deploy/charts values: what its metrics container runs', (chart) => {
  const values = parse(readFileSync(join(repo, `deploy/charts/bitnami-${chart}.values.yaml`), 'utf8')) as {
    metrics: { image: { repository: string; tag: string }; command: string[]; extraEnvVars: { name: string; value: string }[] };
  };
  const rendered = parseAllDocuments(readFixture(`charts/bitnami-${chart}-metrics.yaml`)).map((document) => document.toJS() as RenderedContainer);
  let bundleFile: string;
  const servers: ServerHandle[] = [];
  const certificates = makeCertificates(['ca'], { server: 'DNS:localhost', client: 'DNS:localhost' }, 30);

  beforeAll(async () => {
    bundleFile = isolatedCopy(await bundle('valkey-exporter'));
  });

  afterAll(async () => {
    for (const server of servers) await server.dispose();
  });

  test("the values swap the image, replace the chart's bash command with the image's own entrypoint, and keep redis_* names", () => {
    expect(values.metrics.image.repository).toBe('keepwatch/valkey-exporter');
    expect(values.metrics.image.tag).toBe(packageJson.version);
    expect(values.metrics.command).toEqual(entrypoint());
    expect(values.metrics.extraEnvVars).toContainEqual({ name: 'REDIS_EXPORTER_NAMESPACE', value: 'redis' });
    for (const container of rendered) expect(container.command, container.case).toEqual(values.metrics.command);
    // Without TLS the chart sets no REDIS_ADDR: redis_exporter's default, which is this exporter's too.
    expect(allFlags(valkeyExporter).find((flag) => flag.name === 'valkey.addr')?.default).toBe('redis://localhost:6379');
  });

  test.each(rendered.map((container) => [container.case, container] as const))('%s: scraped through it, up 1 under redis_*', async (_case, container) => {
    const tls = container.env.some((variable) => variable.name === 'REDIS_ADDR' && /^(valkeys|rediss):/.test(variable.value ?? ''));
    const auth = container.env.some((variable) => variable.name === 'REDIS_USER');
    const tlsPort = await freePort();
    const server = await startServer(chart, {
      args: [
        ...(auth ? ['--requirepass', password] : []),
        ...(tls ? ['--tls-port', String(tlsPort), ...tlsCertificateArgs(certificates), '--tls-auth-clients', 'yes'] : []),
      ],
    });
    servers.push(server);
    // What the cluster would provide: the mounted files (the Secret's password, the TLS certificates), the
    // Secret's value for a secretKeyRef; and what a test on one machine must change: a free loopback port
    // instead of :9121, and the server's port instead of 6379.
    const dir = mkdtempSync(join(tmpdir(), 'keepwatch-chart-'));
    const mounted = new Map(
      Object.entries(container.mounts).map(([path, source]) => {
        const file = join(dir, path.replaceAll('/', '_'));
        writeFileSync(file, source === 'password' ? `${password}\n` : readFileSync(certificates(source)));
        return [path, file];
      }),
    );
    const port = await freePort();
    const env: Record<string, string> = {};
    for (const variable of container.env) {
      let value = variable.secret === undefined ? (variable.value ?? '') : password;
      value = mounted.get(value) ?? value;
      if (variable.name === 'REDIS_EXPORTER_WEB_LISTEN_ADDRESS') value = value.replace(/^:9121$/, `127.0.0.1:${port}`);
      if (variable.name === 'REDIS_ADDR') value = value.replace(/:6379$/, `:${tls ? tlsPort : server.port}`);
      env[variable.name] = value;
    }
    if (env.REDIS_ADDR === undefined) env.REDIS_ADDR = `redis://localhost:${server.port}`;
    // The container runs the chart's command with the image's environment, whose NODE_OPTIONS keeps the heap limits.
    const image = imageCommandLine();
    expect(image.env.NODE_OPTIONS).toContain('--max-old-space-size=');
    const exporter = startBundle(bundleFile, [], { nodeFlags: container.command.slice(1, -1), env: { ...image.env, ...env } });
    try {
      const metrics = await scrapeWhenServing(port);
      expect(metrics.value('redis_up')).toBe(1);
      expect(metrics.value('redis_exporter_collector_success', { collector: 'info' })).toBe(1);
      // The chart's readiness probe: GET / on the metrics port.
      expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(200);
    } finally {
      expect((await exporter.stop()).code).toBe(0);
    }
  });
});
