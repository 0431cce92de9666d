import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type Flavour = 'valkey' | 'redis';

/** One real server build the suites run against, and where it comes from. */
export interface ServerBuild {
  /** `<flavour>-<major>.<minor>`: the directory scripts/install-engines.sh unpacks it into. */
  readonly id: string;
  readonly flavour: Flavour;
  /**
   * major.minor, checked against INFO by the metrics suite. A point release in trixie or sid keeps the build;
   * a new minor in sid fails that check, which is the signal to add a build rather than drift silently.
   */
  readonly version: string;
  /** The Debian package and suite it comes from. */
  readonly source: string;
  /** The image testcontainers runs for it (KEEPWATCH_TEST_SERVERS=testcontainers). */
  readonly image: string;
  /** Installed with apt (on PATH) or unpacked by install-engines.sh and run through trixie's loader. */
  readonly unpacked: boolean;
}

/**
 * Every real build, oldest first per flavour. The exact versions of Debian's packages on 2026-12-02 (their
 * INFO ALL is in fixtures/valkey/): bookworm-backports valkey 8.0.1, trixie valkey 8.1.1 and redis 8.0.2,
 * sid valkey 9.1.2, bookworm redis 7.0.15.
 */
export const serverBuilds: readonly ServerBuild[] = [
  { id: 'valkey-8.0', flavour: 'valkey', version: '8.0', source: 'Debian bookworm-backports valkey-server', image: 'valkey/valkey:8.0.1', unpacked: false },
  { id: 'valkey-8.1', flavour: 'valkey', version: '8.1', source: 'Debian trixie valkey-server', image: 'valkey/valkey:8.1.1', unpacked: true },
  { id: 'valkey-9.1', flavour: 'valkey', version: '9.1', source: 'Debian sid valkey-server', image: 'valkey/valkey:9.1.2', unpacked: true },
  { id: 'redis-7.0', flavour: 'redis', version: '7.0', source: 'Debian bookworm redis-server', image: 'redis:7.0.15', unpacked: false },
  { id: 'redis-8.0', flavour: 'redis', version: '8.0', source: 'Debian trixie redis-server', image: 'redis:8.0.2', unpacked: true },
];

/** The build a test gets when it names only a flavour: the one CI's apt installs. */
export const defaultBuilds: Record<Flavour, ServerBuild> = {
  valkey: build('valkey-8.0'),
  redis: build('redis-7.0'),
};

export function build(id: string): ServerBuild {
  const found = serverBuilds.find((candidate) => candidate.id === id);
  if (found === undefined) throw new Error(`no server build ${id}; known: ${serverBuilds.map((candidate) => candidate.id).join(', ')}`);
  return found;
}

/** True when the build's major.minor is at least `minimum` (e.g. '8.1'). */
export function atLeast(server: ServerBuild, minimum: string): boolean {
  const [major = 0, minor = 0] = server.version.split('.').map(Number);
  const [wantMajor = 0, wantMinor = 0] = minimum.split('.').map(Number);
  return major > wantMajor || (major === wantMajor && minor >= wantMinor);
}

const engines = join(dirname(fileURLToPath(import.meta.url)), '../../../.tools/engines');

/** The incumbent, Debian trixie's prometheus-redis-exporter 1.69, unpacked by scripts/install-engines.sh. */
export function redisExporterBinary(): string {
  const path = join(engines, 'redis-exporter/usr/bin/prometheus-redis-exporter');
  if (!existsSync(path)) throw new Error(`redis_exporter is not unpacked at ${path}: run scripts/install-engines.sh`);
  return path;
}

/** RediSearch 1.2 (Debian sid's redis-redisearch), a module any tested server loads with --loadmodule. */
export function redisearchModule(): string {
  const path = join(engines, 'redisearch/usr/lib/redis/modules/redisearch.so');
  if (!existsSync(path)) throw new Error(`RediSearch is not unpacked at ${path}: run scripts/install-engines.sh`);
  return path;
}

/** The command line that runs one of the build's programs (`server`, `cli`) with `args`. */
export function engineCommand(server: ServerBuild, program: 'server' | 'cli', args: readonly string[]): { file: string; args: string[] } {
  const binary = `${server.flavour}-${program}`;
  if (!server.unpacked) return { file: binary, args: [...args] };
  const libraries = join(engines, 'libs/usr/lib/x86_64-linux-gnu');
  // The symlink's path becomes argv[0], which is how the binary knows it is the server and not check-rdb.
  const path = join(engines, server.id, 'usr/bin', binary);
  if (!existsSync(path)) throw new Error(`${server.id} is not unpacked at ${path}: run scripts/install-engines.sh`);
  return { file: join(libraries, 'ld-linux-x86-64.so.2'), args: ['--library-path', libraries, path, ...args] };
}
