import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, isolatedCopy, type RunningBundle, startBundle } from '@keepwatch/testing';
import { bundle, type ExporterName } from '../../../../scripts/bundle/bundle.ts';
import { entrypoint, imageCommandLine } from '../../../../scripts/bundle/image.ts';
import { type Container, exporterOf, keysOf, keyValue, type Manifest, named } from './manifests.ts';

/**
 * A pod of an example laid out on this machine: each volume a directory (Secrets and ConfigMaps written out
 * with their keys or items, emptyDirs empty), shared by the containers that mount it, and the containers'
 * arguments with every mount path replaced by its directory.
 */
export class LocalPod {
  readonly #volumes = new Map<string, string>();
  readonly #pod: Manifest;
  readonly #documents: readonly Manifest[];

  /** `edit` may change what a Secret or ConfigMap key holds on this machine (a test password, a reachable address). */
  constructor(workload: Manifest, documents: readonly Manifest[], edit: (name: string, key: string, value: string) => string = (_name, _key, value) => value) {
    this.#pod = workload.spec.template.spec;
    this.#documents = documents;
    const root = mkdtempSync(join(tmpdir(), 'keepwatch-pod-'));
    for (const volume of this.#pod.volumes ?? []) {
      const dir = join(root, volume.name);
      mkdirSync(dir);
      this.#volumes.set(volume.name, dir);
      const source = volume.secret ?? volume.configMap;
      if (source === undefined) continue;
      const kind = volume.secret === undefined ? 'ConfigMap' : 'Secret';
      const name = source.secretName ?? source.name;
      const document = named(documents, kind, name);
      if (document === undefined) throw new Error(`${kind} ${name} is not in the example`);
      const items: { key: string; path: string }[] = source.items ?? keysOf(document).map((key) => ({ key, path: key }));
      for (const item of items) writeFileSync(join(dir, item.path), edit(name, item.key, keyValue(document, item.key)));
    }
    for (const claim of workload.spec.volumeClaimTemplates ?? []) this.#volumes.set(claim.metadata.name, mkdtempSync(join(root, 'claim-')));
  }

  container(name: string): Container {
    const found = this.#pod.containers.find((container: Container) => container.name === name);
    if (found === undefined) throw new Error(`no container ${name}`);
    return found;
  }

  /** Where a container's path is on this machine. */
  local(container: Container, path: string): string {
    for (const mount of container.volumeMounts ?? []) {
      const dir = this.#volumes.get(mount.name);
      if (dir !== undefined && (path === mount.mountPath || path.startsWith(`${mount.mountPath}/`))) return dir + path.slice(mount.mountPath.length);
    }
    return path;
  }

  /** The container's arguments with mount paths made local (in `--flag=path` and bare forms). */
  args(container: Container): string[] {
    return (container.args ?? []).map((arg: string) => {
      const [flag, value] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=') + 1), arg.slice(arg.indexOf('=') + 1)] : ['', arg];
      return flag + (value.startsWith('/') ? this.local(container, value) : value);
    });
  }

  /** The container's environment: plain values and Secret keys. */
  env(container: Container): Record<string, string> {
    const env: Record<string, string> = {};
    for (const variable of container.env ?? []) {
      const ref = variable.valueFrom?.secretKeyRef;
      env[variable.name] = ref === undefined ? String(variable.value ?? '') : keyValue(named(this.#documents, 'Secret', ref.name) ?? {}, ref.key);
    }
    return env;
  }
}

const bundles = new Map<string, Promise<string>>();

/**
 * Runs an exporter container as the image would: its bundle with the entrypoint's node flags, the image's ENV
 * overridden by the container's env (as Kubernetes does), and the container's arguments with local paths;
 * `rewrite` points addresses at the servers of the test.
 */
export async function runExporterContainer(
  pod: LocalPod,
  container: Container,
  rewrite: (arg: string) => string,
): Promise<{ port: number; process: RunningBundle }> {
  const exporter = exporterOf(container) as ExporterName;
  if (!bundles.has(exporter)) bundles.set(exporter, bundle(exporter).then(isolatedCopy));
  const bundleFile = await (bundles.get(exporter) as Promise<string>);
  const port = await freePort();
  const args = [...pod.args(container).map(rewrite), '--web.listen-address', `127.0.0.1:${port}`];
  const image = imageCommandLine();
  const process = startBundle(bundleFile, args, {
    nodeFlags: entrypoint().filter((arg) => arg.startsWith('--')),
    env: { ...image.env, ...pod.env(container) },
  });
  return { port, process };
}
