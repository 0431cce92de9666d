import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

export const repo = new URL('../../../../', import.meta.url).pathname;
export const examplesDir = join(repo, 'deploy/kubernetes');

// biome-ignore lint/suspicious/noExplicitAny: manifests are untyped YAML, checked by the schemas below
export type Manifest = Record<string, any>;
// biome-ignore lint/suspicious/noExplicitAny: as above
export type Container = Record<string, any>;

export interface Example {
  readonly file: string;
  /** The files its header's `kubectl apply` names, itself first. */
  readonly applied: readonly string[];
  /** Every document of those files. */
  readonly documents: readonly Manifest[];
}

const load = (path: string): Manifest[] =>
  parseAllDocuments(readFileSync(join(repo, path), 'utf8'))
    .map((document) => document.toJS() as Manifest | null)
    .filter((document): document is Manifest => document !== null);

/** The examples that carry a `kubectl apply` line: the ones a user starts from (the generated grant Job is applied with one of them). */
export function examples(): Example[] {
  return readdirSync(examplesDir)
    .filter((name) => name.endsWith('.yaml'))
    .flatMap((name) => {
      const text = readFileSync(join(examplesDir, name), 'utf8');
      const command = /^# {3}kubectl apply ((?:.*\\\n#\s+)*.*)$/m.exec(text)?.[1];
      if (command === undefined) return [];
      const applied = [...command.replace(/\\\n#\s+/g, ' ').matchAll(/-f (\S+)/g)].map((match) => match[1] as string);
      return [{ file: `deploy/kubernetes/${name}`, applied, documents: applied.flatMap(load) }];
    });
}

/** The JSON-schema model of a document's apiVersion and kind, from kubernetes-models or its Prometheus Operator package. */
export async function validateAgainstSchema(document: Manifest): Promise<void> {
  const [group, version] = String(document.apiVersion).includes('/') ? String(document.apiVersion).split('/') : ['', String(document.apiVersion)];
  const module =
    group === 'monitoring.coreos.com'
      ? await import(`@kubernetes-models/prometheus-operator/${group}/${version}/${document.kind}`)
      : await import(`kubernetes-models/${group === '' ? '' : `${group}/`}${version}/${document.kind}`);
  const Model = module[document.kind as string];
  new Model(document).validate();
}

export const byKind = (documents: readonly Manifest[], kind: string) => documents.filter((document) => document.kind === kind);
export const named = (documents: readonly Manifest[], kind: string, name: string) =>
  documents.find((document) => document.kind === kind && document.metadata?.name === name);

/** The documents that run pods: StatefulSets, Deployments and Jobs. */
export const workloads = (documents: readonly Manifest[]) => documents.filter((document) => ['StatefulSet', 'Deployment', 'Job'].includes(document.kind));

/** The keys a Secret or ConfigMap holds. */
export function keysOf(document: Manifest): string[] {
  return Object.keys({ ...(document.data ?? {}), ...(document.stringData ?? {}) });
}

export function keyValue(document: Manifest, key: string): string {
  const plain = document.stringData?.[key];
  if (plain !== undefined) return String(plain);
  const data = document.data?.[key];
  return document.kind === 'Secret' ? Buffer.from(String(data), 'base64').toString('utf8') : String(data);
}

/** Bytes of a Kubernetes quantity (`96Mi`, `1Gi`, `512M`). */
export function bytes(quantity: string): number {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|k|M|G)?$/.exec(quantity);
  if (match === null) throw new Error(`not a quantity: ${quantity}`);
  const unit = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, k: 1e3, M: 1e6, G: 1e9 }[match[2] ?? ''] ?? 1;
  return Number(match[1]) * unit;
}

/**
 * Whether a container can read a file of a Secret or ConfigMap volume, as the kubelet lays it out: owned by
 * root, its group the pod's fsGroup when one is set, with the item's mode, else the volume's defaultMode,
 * else 0644. The container's groups are its (or the pod's) runAsGroup, the fsGroup and supplementalGroups.
 */
export function canReadProjectedFile(pod: Manifest, container: Container, volume: Manifest, key: string): boolean {
  const source = volume.secret ?? volume.configMap;
  const mode: number = source.items?.find((item: Manifest) => item.key === key)?.mode ?? source.defaultMode ?? 0o644;
  const uid = container.securityContext?.runAsUser ?? pod.securityContext?.runAsUser;
  if (uid === 0) return true;
  const fileGroup = pod.securityContext?.fsGroup ?? 0;
  const groups = [
    container.securityContext?.runAsGroup ?? pod.securityContext?.runAsGroup,
    pod.securityContext?.fsGroup,
    ...(pod.securityContext?.supplementalGroups ?? []),
  ];
  return (mode & 0o004) !== 0 || ((mode & 0o040) !== 0 && groups.includes(fileGroup));
}

const exporterImage = /^keepwatch\/((?:valkey|dragonfly|milvus)-exporter):/;

/** The exporter a container runs (`valkey-exporter`, ...), or undefined for any other image. */
export const exporterOf = (container: Container) => exporterImage.exec(String(container.image))?.[1];
