import { replaceGeneratedBlock, table } from '@keepwatch/core/docs';
import { atLeast, defaultBuilds, type ServerBuild, serverBuilds } from './builds.ts';
import { protoTags } from './standins/milvus-proto-tags.ts';

/** One line of a README's "Tested versions": what the suites run against, real or stand-in, and where it comes from. */
interface TestedVersion {
  readonly server: string;
  readonly against: string;
  readonly source: string;
  readonly suites: string;
}

/** The suites that run on a build (test files' describe.each over serverBuilds, and the default builds' own). */
function suitesOf(build: ServerBuild): string {
  const suites = ['metrics', 'security', 'least-privilege ACL', 'replication', 'credentials and restarts', 'redis_exporter 1.69 side by side'];
  suites.push(build.flavour === 'valkey' && atLeast(build, '8.1') ? 'COMMANDLOG' : 'COMMANDLOG absent');
  if (build.flavour === 'valkey') suites.push('TLS certificate expiry');
  if (build === defaultBuilds[build.flavour]) suites.push('cluster', 'logs', 'capabilities');
  if (build === defaultBuilds.valkey) suites.push('TLS connections', '/scrape', 'Prometheus end to end', 'live alerts');
  if (build.id === 'valkey-9.1') suites.push('live certificate-expiry alerts');
  return suites.join(', ');
}

/** What each exporter's tests run against; each README's `versions` block is generated from this. */
export const testedVersions: Record<'valkey' | 'dragonfly' | 'milvus', readonly TestedVersion[]> = {
  valkey: serverBuilds.map((build) => ({
    server: `${build.flavour === 'valkey' ? 'Valkey' : 'Redis'} ${build.version}`,
    against: 'real server',
    source: `${build.source} (packages/testing/src/builds.ts)`,
    suites: suitesOf(build),
  })),
  dragonfly: [
    {
      server: 'Dragonfly 1.40.1',
      against: 'stand-in',
      source:
        'INFO ALL captured from 1.40.1; commands, ACL categories, error kinds and ACL LOG behaviour from upstream v1.40.0 source (packages/testing/src/standins/dragonfly.ts)',
      suites: 'metrics, security, least-privilege ACL, replication states, restarts, logs, live alerts',
    },
    {
      server: 'Dragonfly 1.37.0, 1.35.0',
      against: 'stand-in',
      source: 'the same, with the INFO sections and error kinds of those versions',
      suites: 'versions',
    },
    {
      server: 'Dragonfly 1.0 to 1.6, 0.x and dev builds',
      against: 'INFO only',
      source: 'dfly_version (1.0 to 1.6) and redis_version:df-... (0.x, dev) from upstream server_family.cc at those tags',
      suites: 'capability detection',
    },
  ],
  milvus: [
    {
      server: 'Milvus 3.0 protocol (SDK 3.0.6)',
      against: 'stand-in',
      source: 'gRPC from the protocol description the SDK ships; GetMetrics from a captured system_info (packages/testing/src/standins/milvus.ts)',
      suites: 'metrics, health, privileges, failures, access log, live alerts',
    },
    {
      server: `Milvus built with milvus-proto ${protoTags.join(', ')}`,
      against: 'stand-in',
      source: 'the RPCs and the privilege each needs from proto/milvus.proto at the tag (packages/testing/fixtures/milvus/rpc-privileges.txt)',
      suites: 'least-privilege grants per version (DescribeDatabase absent before v2.4.3)',
    },
  ],
};

/** Replaces the README's `versions` block with the table of what its tests run against. */
export function withTestedVersions(engine: keyof typeof testedVersions, readme: string): string {
  const rows = testedVersions[engine].map((row) => [row.server, row.against, row.source, row.suites]);
  return replaceGeneratedBlock(readme, 'versions', table(['Server', 'Tested against', 'From', 'Suites'], rows));
}
