import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { join } from 'node:path';
import { allFlags, type ExporterDefinition } from '@keepwatch/core/bootstrap';
import { parseFlags } from '@keepwatch/core/cli';
import { dragonflyExporter } from '@keepwatch/dragonfly-exporter';
import { dragonflyAclRules } from '@keepwatch/dragonfly-exporter/acl';
import { milvusExporter } from '@keepwatch/milvus-exporter';
import { defaultGrants, exporterUser, grantScript } from '@keepwatch/milvus-exporter/grant-job';
import { type Metrics, scrapeWhenServing, waitFor } from '@keepwatch/testing';
import { build } from '@keepwatch/testing/builds';
import { aclPermissions } from '@keepwatch/testing/dragonfly-acl';
import { startDragonflyStandIn } from '@keepwatch/testing/dragonfly-standin';
import { startMilvusStandin } from '@keepwatch/testing/milvus-standin';
import { startServer } from '@keepwatch/testing/servers';
import { valkeyExporter } from '@keepwatch/valkey-exporter';
import { valkeyAclRules } from '@keepwatch/valkey-exporter/acl';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import {
  byKind,
  bytes,
  type Container,
  canReadProjectedFile,
  type Example,
  examples,
  exporterOf,
  keysOf,
  keyValue,
  type Manifest,
  named,
  repo,
  validateAgainstSchema,
  workloads,
} from './kubernetes/manifests.ts';
import { LocalPod, runExporterContainer } from './kubernetes/run-pod.ts';

// biome-ignore lint/suspicious/noExplicitAny: the three definitions differ in their type parameters
const definitions: Record<string, ExporterDefinition<any, any, any>> = {
  'valkey-exporter': valkeyExporter,
  'dragonfly-exporter': dragonflyExporter,
  'milvus-exporter': milvusExporter,
};
const all = examples();
const example = (name: string) => all.find((candidate) => candidate.file.endsWith(name)) as Example;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const containersOf = (workload: Manifest): Container[] => workload.spec.template.spec.containers;
const exporterContainers = (documents: readonly Manifest[]) =>
  workloads(documents).flatMap((workload) =>
    containersOf(workload)
      .filter((container) => exporterOf(container) !== undefined)
      .map((container) => ({ workload, container })),
  );
const flagsOf = (container: Container) => {
  const definition = definitions[exporterOf(container) as string] as ExporterDefinition<unknown, unknown, never>;
  const parsed = parseFlags(allFlags(definition), container.args, {}, definition);
  if (parsed.flags === undefined) throw new Error(`${container.name}: its arguments print help`);
  return parsed.flags;
};
/** The metrics of the 31st scrape: the exporter's memory has settled by then. */
async function steadyScrape(port: number): Promise<Metrics> {
  let metrics = await scrapeWhenServing(port);
  for (let i = 0; i < 30; i += 1) metrics = await scrapeWhenServing(port);
  return metrics;
}
const expectServing = (metrics: Metrics, namespace: string) => {
  expect(metrics.value(`${namespace}_up`)).toBe(1);
  expect(Object.values(metrics.collectorSuccess(namespace)).every((success) => success === 1)).toBe(true);
};
/** VmRSS of a process in bytes. */
const rss = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) * 1024;

test('there are examples for the three engines and the multi-target exporter', () => {
  expect(all.map((candidate) => candidate.file).sort()).toEqual([
    'deploy/kubernetes/dragonfly-sidecar.yaml',
    'deploy/kubernetes/milvus.yaml',
    'deploy/kubernetes/valkey-multi-target.yaml',
    'deploy/kubernetes/valkey-sidecar.yaml',
  ]);
});

describe.each(all)('$file', ({ documents, applied }) => {
  test('every document of the files it applies is valid against the Kubernetes and Prometheus Operator schemas', async () => {
    expect(documents.length).toBeGreaterThan(5);
    for (const document of documents) await expect(validateAgainstSchema(document), `${document.kind}/${document.metadata?.name}`).resolves.toBeUndefined();
  });

  test('every Secret and ConfigMap a pod refers to is applied with it, with the keys it names', () => {
    for (const workload of workloads(documents)) {
      const pod = workload.spec.template.spec;
      for (const volume of pod.volumes ?? []) {
        const source = volume.secret ?? volume.configMap;
        if (source === undefined) continue;
        const referred = named(documents, volume.secret === undefined ? 'ConfigMap' : 'Secret', source.secretName ?? source.name);
        expect(referred, `${workload.metadata.name} volume ${volume.name}`).toBeDefined();
        for (const item of source.items ?? []) expect(keysOf(referred as Manifest)).toContain(item.key);
      }
      for (const container of [...pod.containers, ...(pod.initContainers ?? [])])
        for (const variable of container.env ?? []) {
          const ref = variable.valueFrom?.secretKeyRef;
          if (ref !== undefined) expect(keysOf(named(documents, 'Secret', ref.name) ?? {}), `${container.name} env ${variable.name}`).toContain(ref.key);
        }
    }
  });

  test('every container can read each Secret and ConfigMap file it mounts (uid, fsGroup, mode)', () => {
    for (const workload of workloads(documents)) {
      const pod = workload.spec.template.spec;
      for (const container of pod.containers)
        for (const mount of container.volumeMounts ?? []) {
          const volume = pod.volumes.find((candidate: Manifest) => candidate.name === mount.name);
          const source = volume?.secret ?? volume?.configMap;
          if (source === undefined) continue;
          const document = named(documents, volume.secret === undefined ? 'ConfigMap' : 'Secret', source.secretName ?? source.name) as Manifest;
          for (const key of source.items?.map((item: Manifest) => item.key) ?? keysOf(document))
            expect(canReadProjectedFile(pod, container, volume, key), `${container.name} reads ${mount.mountPath}/${key}`).toBe(true);
        }
    }
  });

  test("hardened containers: non-root, no privilege escalation, no capabilities; the exporters' probes on the endpoints that do not touch the database", () => {
    for (const workload of workloads(documents)) {
      const pod = workload.spec.template.spec;
      expect(pod.securityContext.runAsNonRoot).toBe(true);
      for (const container of pod.containers) {
        expect(container.securityContext, container.name).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
        expect(container.resources.requests.memory, container.name).toBeDefined();
        expect(bytes(container.resources.limits.memory)).toBeGreaterThanOrEqual(bytes(container.resources.requests.memory));
      }
    }
    for (const { container } of exporterContainers(documents)) {
      expect(container.securityContext.readOnlyRootFilesystem).toBe(true);
      expect(container.livenessProbe.httpGet.path).toBe('/-/healthy');
      expect(container.readinessProbe.httpGet.path).toBe('/-/ready');
    }
  });

  test('kube-prometheus-stack picks up the monitors, scrape configs and rules (release label) and Grafana the dashboards (grafana_dashboard)', () => {
    for (const kind of ['PodMonitor', 'ServiceMonitor', 'ScrapeConfig', 'PrometheusRule'])
      for (const document of byKind(documents, kind))
        expect(document.metadata.labels?.release, `${kind}/${document.metadata.name}`).toBe('kube-prometheus-stack');
    expect(byKind(documents, 'PrometheusRule').length).toBeGreaterThanOrEqual(2);
    const dashboards = byKind(documents, 'ConfigMap').filter((document) => document.metadata.labels?.grafana_dashboard === '1');
    expect(dashboards.length).toBeGreaterThanOrEqual(2);
    for (const dashboard of dashboards)
      for (const [key, json] of Object.entries(dashboard.data as Record<string, string>))
        expect(json).toBe(readFileSync(join(repo, 'grafana/dashboards', key.replace(/^keepwatch-/, '')), 'utf8'));
    expect(applied.filter((file) => file.startsWith('alerts/'))).toContain('alerts/kubernetes/exporters.prometheusrule.yaml');
  });

  test('each monitor selects a pod (or a service of one) that has the port it scrapes', () => {
    const pods = workloads(documents).map((workload) => workload.spec.template);
    const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
      Object.entries(selector).every(([key, value]) => labels?.[key] === value);
    for (const monitor of byKind(documents, 'PodMonitor')) {
      const selected = pods.filter((pod) => matches(monitor.spec.selector.matchLabels, pod.metadata.labels));
      expect(selected.length, monitor.metadata.name).toBe(1);
      const ports = selected.flatMap((pod) => pod.spec.containers.flatMap((container: Container) => container.ports ?? []).map((port: Manifest) => port.name));
      for (const endpoint of monitor.spec.podMetricsEndpoints) expect(ports).toContain(endpoint.port);
    }
    for (const monitor of byKind(documents, 'ServiceMonitor')) {
      const services = byKind(documents, 'Service').filter((service) => matches(monitor.spec.selector.matchLabels, service.metadata.labels));
      expect(services.length, monitor.metadata.name).toBe(1);
      for (const endpoint of monitor.spec.endpoints) expect(services[0]?.spec.ports.map((port: Manifest) => port.name)).toContain(endpoint.port);
    }
  });

  test('exporter arguments are valid flags of this version; passwords come from mounted files; a followed log is shared with the engine and bounded', () => {
    for (const { workload, container } of exporterContainers(documents)) {
      const flags = flagsOf(container);
      expect(container.args.join(' ')).not.toMatch(/password=(?!\/)/);
      const mounts: Manifest[] = container.volumeMounts ?? [];
      for (const flag of ['valkey.password-file', 'dragonfly.password-file', 'milvus.password-file', 'scrape.config-file']) {
        const path = flags.declares(flag) ? flags.optionalString(flag) : undefined;
        if (path !== undefined)
          expect(
            mounts.some((mount) => path.startsWith(`${mount.mountPath}/`)),
            `${flag} ${path}`,
          ).toBe(true);
      }
      const logFile = flags.optionalString('log.file');
      if (logFile === undefined) continue;
      const pod = workload.spec.template.spec;
      const logMount = mounts.find((mount) => logFile.startsWith(`${mount.mountPath}/`)) as Manifest;
      const engine = containersOf(workload).find(
        (other) => other !== container && other.volumeMounts?.some((mount: Manifest) => mount.name === logMount.name),
      ) as Container;
      expect(engine, `the engine writing ${logFile}`).toBeDefined();
      // The engines' images set umask 0077 (valkey-container docker-entrypoint.sh, dragonfly tools/docker/entrypoint.sh): only the owner reads the log.
      expect(container.securityContext.runAsUser).toBe(engine.securityContext.runAsUser);
      // Renaming or deleting needs a writable mount; the volume has room for two files at the limit and more.
      if (flags.number('log.file-max-bytes') > 0 || flags.boolean('log.remove-rotated')) expect(logMount.readOnly).not.toBe(true);
      const sizeLimit = bytes(pod.volumes.find((volume: Manifest) => volume.name === logMount.name).emptyDir.sizeLimit);
      const maxBytes = flags.number('log.file-max-bytes');
      if (maxBytes > 0) expect(sizeLimit).toBeGreaterThanOrEqual(3 * maxBytes);
      // Dragonfly's own rotation size, in MB (glog's --max_log_size).
      const glogSize = Number(/--max_log_size=(\d+)/.exec(engine.args.join(' '))?.[1] ?? 0) * 2 ** 20;
      if (flags.boolean('log.remove-rotated')) expect(sizeLimit).toBeGreaterThanOrEqual(3 * glogSize);
      expect(maxBytes > 0 || flags.boolean('log.remove-rotated'), 'the log volume is bounded').toBe(true);
    }
  });
});

describe('valkey-sidecar.yaml, run as written: a real Valkey 8.1 with the ACL file of the Secret and the exporter with its arguments', () => {
  const { documents } = example('valkey-sidecar.yaml');
  const statefulSet = byKind(documents, 'StatefulSet')[0] as Manifest;
  const adminPassword = 'test-admin-password';

  test("the exporter's password matches the keepwatch user's hash, whose rules are the README's for Valkey 8.1", () => {
    const users = keyValue(named(documents, 'Secret', 'valkey-users') as Manifest, 'users.acl')
      .trim()
      .split('\n');
    const keepwatch = (users.find((line) => line.startsWith('user keepwatch ')) as string).split(' ').slice(2);
    const password = keyValue(named(documents, 'Secret', 'valkey-exporter') as Manifest, 'password');
    expect(keepwatch).toContain(`#${sha256(password)}`);
    expect(keepwatch.filter((rule) => !rule.startsWith('#'))).toEqual(valkeyAclRules({ flavour: 'valkey', version: '8.1.0' }));
  });

  test('up 1, every collector succeeds, Valkey logs no denial, its log reaches stdout; RSS stays under the memory request', async () => {
    const pod = new LocalPod(statefulSet, documents, (name, key, value) =>
      name === 'valkey-users' && key === 'users.acl' ? value.replace(/^(user default on )#\S+/m, `$1#${sha256(adminPassword)}`) : value,
    );
    const valkeyContainer = pod.container('valkey');
    const [command, ...args] = pod.args(valkeyContainer);
    expect(command).toBe('valkey-server');
    const server = await startServer(build('valkey-8.1'), { args });
    const admin = server.connect({ username: 'default', password: adminPassword });
    const container = pod.container('valkey-exporter');
    const exporter = await runExporterContainer(pod, container, (arg) => arg.replace('localhost:6379', `127.0.0.1:${server.port}`));
    try {
      const metrics = await steadyScrape(exporter.port);
      expectServing(metrics, 'valkey');
      expect(metrics.value('valkey_log_follower_healthy')).toBe(1);
      // Valkey's own lines reach kubectl logs through the exporter's stdout (--log.echo), and so do the events:
      // an HTTP request to the Valkey port is logged as a security attack and classified.
      const attacker = connect(server.port, '127.0.0.1');
      attacker.end('POST / HTTP/1.1\r\nHost: valkey\r\n\r\n');
      const stdout = await waitFor('the event on stdout', async () =>
        exporter.process.stdout().includes('"event":"security_attack"') ? exporter.process.stdout() : undefined,
      );
      expect(stdout).toMatch(/Ready to accept connections/);
      // What the shippers of deploy/logs keep: the lines with an "event" key, each an event object.
      const [events, others] = [
        stdout.split('\n').filter((line) => line.includes('"event":')),
        stdout.split('\n').filter((line) => line !== '' && !line.includes('"event":')),
      ];
      expect(events.map((line) => JSON.parse(line).engine)).toEqual(events.map(() => 'valkey'));
      expect(others.length).toBeGreaterThan(5);
      expect(await admin.call('ACL', 'LOG')).toEqual([]);
      expect(rss(exporter.process.pid)).toBeLessThanOrEqual(bytes(container.resources.requests.memory));
    } finally {
      await exporter.process.stop();
      await server.dispose();
    }
  });
});

describe('dragonfly-sidecar.yaml: the ACL file and the postStart hook together give the documented rules', () => {
  const { documents } = example('dragonfly-sidecar.yaml');
  const statefulSet = byKind(documents, 'StatefulSet')[0] as Manifest;
  const dragonfly = containersOf(statefulSet).find((container) => container.name === 'dragonfly') as Container;
  // As Dragonfly reads the file: lines split on single spaces, empty tokens skipped (MaterializeFileContents).
  const fileRules = (
    keyValue(named(documents, 'Secret', 'dragonfly-users') as Manifest, 'users.acl')
      .split('\n')
      .find((line) => line.startsWith('USER keepwatch ')) as string
  )
    .split(' ')
    .filter(Boolean)
    .slice(2);
  const hook: string = dragonfly.lifecycle.postStart.exec.command.at(-1);
  const hookRules = [...(/ACL SETUSER keepwatch ((?:"[^"]+" ?)+)/.exec(hook)?.[1] ?? '').matchAll(/"([^"]+)"/g)].map((match) => match[1] as string);

  test('the file holds every rule a line of single words can hold, the hook adds the two-word ACL subcommands, and together they are the README rules', () => {
    const password = keyValue(named(documents, 'Secret', 'dragonfly-exporter') as Manifest, 'password');
    expect(fileRules).toContain(`#${sha256(password)}`);
    const rules = [...fileRules.filter((rule) => !rule.startsWith('#')), ...hookRules].map((rule) => rule.toLowerCase());
    expect(new Set(rules)).toEqual(new Set(dragonflyAclRules()));
    expect(hookRules.every((rule) => rule.includes(' '))).toBe(true);
    // Written in the file, "+acl log" would be two tokens, and Dragonfly refuses `log` as a rule.
    expect(() => aclPermissions([...fileRules, '+acl', 'log'])).toThrow(/Unrecognized parameter/);
    expect(hook).toContain('redis-cli --no-auth-warning --user default ACL SETUSER keepwatch');
    expect(dragonfly.env.map((variable: Manifest) => variable.name)).toContain('REDISCLI_AUTH');
  });

  test('the exporter run with its arguments against the stand-in with that user: up 1, every collector succeeds; RSS under the request', async () => {
    const pod = new LocalPod(statefulSet, documents);
    const container = pod.container('dragonfly-exporter');
    const password = keyValue(named(documents, 'Secret', 'dragonfly-exporter') as Manifest, 'password');
    const standIn = await startDragonflyStandIn({
      users: { keepwatch: { password, rules: [...fileRules.filter((rule) => !rule.startsWith('#')), ...hookRules] } },
    });
    const exporter = await runExporterContainer(pod, container, (arg) => arg.replace('redis://localhost:6379', standIn.url));
    try {
      const metrics = await steadyScrape(exporter.port);
      expectServing(metrics, 'dragonfly');
      expect(rss(exporter.process.pid)).toBeLessThanOrEqual(bytes(container.resources.requests.memory));
    } finally {
      await exporter.process.stop();
      await standIn.close();
    }
  });
});

describe('milvus.yaml with milvus-exporter-grants.yaml: the Job grants exactly what the exporter needs', () => {
  const { documents } = example('milvus.yaml');
  const job = byKind(documents, 'Job')[0] as Manifest;
  const script = keyValue(named(documents, 'ConfigMap', 'milvus-exporter-grants') as Manifest, 'grant.sh');

  /** Milvus' RESTful API v2 as documented: HTTP 200 and `{"code":0,"data":{}}` on success, a non-zero code and a message otherwise. */
  async function runScript(refuse: (path: string) => boolean) {
    const calls: { path: string; body: Record<string, string>; authorization: string | undefined }[] = [];
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      request.on('end', () => {
        const path = (request.url ?? '').replace('/v2/vectordb/', '');
        calls.push({ path, body: JSON.parse(body), authorization: request.headers.authorization });
        response.setHeader('content-type', 'application/json');
        response.end(refuse(path) ? '{"code":65535,"message":"refused by the test"}' : '{"code":0,"data":{}}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const env = {
      PATH: process.env.PATH,
      MILVUS_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      MILVUS_TOKEN: 'root:test-root',
      EXPORTER_PASSWORD: 'test-exporter-pw',
    };
    // sh -c rather than a file: the same script text the ConfigMap mounts, run by the POSIX shell (dash here, busybox in the image).
    const result = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
      const run = spawn('sh', ['-c', script], { env, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      run.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      run.on('exit', (status) => resolve({ status, stderr }));
    });
    server.close();
    return { calls, ...result };
  }

  test('the Job runs the ConfigMap script with the admin token and the password of the exporter Secret', () => {
    const container = job.spec.template.spec.containers[0];
    expect(container.command).toEqual(['sh', '/grants/grant.sh']);
    expect(script).toBe(grantScript());
    const env = Object.fromEntries(container.env.map((variable: Manifest) => [variable.name, variable.valueFrom?.secretKeyRef ?? variable.value]));
    expect(env.EXPORTER_PASSWORD).toEqual({ name: 'milvus-exporter', key: 'password' });
    expect(env.MILVUS_TOKEN).toEqual({ name: 'milvus-admin', key: 'token' });
    const deployment = byKind(documents, 'Deployment')[0] as Manifest;
    const flags = flagsOf(containersOf(deployment)[0] as Container);
    expect(flags.optionalString('milvus.username')).toBe(exporterUser);
    expect(new URL(env.MILVUS_URL).host).toBe(flags.string('milvus.address'));
  });

  test('run by sh against a recorder of the REST API: the role, each grant, the user with the password, the role given; a refused grant fails the Job', async () => {
    const { calls, status } = await runScript(() => false);
    expect(status).toBe(0);
    expect(calls.every((call) => call.authorization === 'Bearer root:test-root')).toBe(true);
    expect(calls.filter((call) => call.path === 'roles/grant_privilege_v2').map((call) => call.body.privilege)).toEqual(defaultGrants());
    expect(calls.find((call) => call.path === 'users/create')?.body).toEqual({ userName: exporterUser, password: 'test-exporter-pw' });
    expect(calls.at(-1)).toMatchObject({ path: 'users/grant_role', body: { userName: exporterUser, roleName: 'keepwatch_exporter' } });
    // A role or user that exists already is not a failure; a grant refused is.
    expect((await runScript((path) => path.endsWith('/create'))).status).toBe(0);
    expect((await runScript((path) => path === 'roles/grant_privilege_v2')).status).not.toBe(0);
  });

  test('the exporter run with its arguments, under exactly the granted privileges: up 1, every collector succeeds, nothing denied; RSS under the request', async () => {
    const { calls } = await runScript(() => false);
    const granted = new Set(calls.filter((call) => call.path === 'roles/grant_privilege_v2').map((call) => call.body.privilege as string));
    const deployment = byKind(documents, 'Deployment')[0] as Manifest;
    const pod = new LocalPod(deployment, documents);
    const container = pod.container('milvus-exporter');
    const password = keyValue(named(documents, 'Secret', 'milvus-exporter') as Manifest, 'password');
    const standIn = await startMilvusStandin((state) => {
      state.users = new Map([
        ['root', 'root-password'],
        [exporterUser, password],
      ]);
      state.grants.set(exporterUser, granted);
    });
    const exporter = await runExporterContainer(pod, container, (arg) => arg.replace('milvus:19530', standIn.address));
    try {
      const metrics = await steadyScrape(exporter.port);
      expectServing(metrics, 'milvus');
      expect(standIn.calls.filter((call) => call.outcome === 'permission-denied')).toEqual([]);
      expect(rss(exporter.process.pid)).toBeLessThanOrEqual(bytes(container.resources.requests.memory));
    } finally {
      await exporter.process.stop();
      await standIn.close();
    }
  });
});

describe('valkey-multi-target.yaml, run as written with the targets pointed at two real Valkeys', () => {
  const { documents } = example('valkey-multi-target.yaml');
  const deployment = byKind(documents, 'Deployment')[0] as Manifest;

  test('the ScrapeConfig reads /targets of the Service and scrapes /scrape through it', () => {
    const scrapeConfig = byKind(documents, 'ScrapeConfig')[0] as Manifest;
    const service = byKind(documents, 'Service')[0] as Manifest;
    const url = new URL(scrapeConfig.spec.httpSDConfigs[0].url);
    expect(url.pathname).toBe('/targets');
    expect(url.host).toBe(`${service.metadata.name}.default.svc:${service.spec.ports[0].port}`);
    expect(scrapeConfig.spec.metricsPath).toBe('/scrape');
    expect(scrapeConfig.spec.relabelings.at(-1)).toEqual({ targetLabel: '__address__', replacement: url.host });
  });

  test('/targets lists the file, /scrape reads each with up 1; NODE_OPTIONS raises the heap; RSS under the request', async () => {
    const servers = [await startServer('valkey'), await startServer('valkey')];
    const password = keyValue(named(documents, 'Secret', 'valkey-exporter-targets') as Manifest, 'cache-password');
    for (const server of servers)
      await server.admin().call('ACL', 'SETUSER', 'keepwatch', ...valkeyAclRules({ flavour: 'valkey', version: '8.0.1' }), `>${password}`);
    const pod = new LocalPod(deployment, documents, (_name, key, value) => {
      if (key !== 'targets.yml') return value;
      const targets = parse(value) as { targets: { address: string }[] };
      return targets.targets.reduce((text, target, index) => text.replace(target.address, servers[index]?.url ?? ''), value);
    });
    const container = pod.container('valkey-exporter');
    const exporter = await runExporterContainer(pod, container, (arg) => arg);
    try {
      await scrapeWhenServing(exporter.port);
      const groups = (await (await fetch(`http://127.0.0.1:${exporter.port}/targets`)).json()) as { targets: string[] }[];
      expect(groups.flatMap((group) => group.targets).sort()).toEqual(servers.map((server) => server.url).sort());
      for (let i = 0; i < 15; i += 1)
        for (const server of servers) {
          const text = await (await fetch(`http://127.0.0.1:${exporter.port}/scrape?target=${encodeURIComponent(server.url)}`)).text();
          expect(text).toMatch(/^valkey_up 1$/m);
        }
      const heapLimit = /--max-old-space-size=(\d+)/.exec(container.env.find((variable: Manifest) => variable.name === 'NODE_OPTIONS').value)?.[1];
      expect(Number(heapLimit)).toBeGreaterThan(48);
      expect(rss(exporter.process.pid)).toBeLessThanOrEqual(bytes(container.resources.requests.memory));
    } finally {
      await exporter.process.stop();
      for (const server of servers) await server.dispose();
    }
  });
});
