import { spawnSync } from 'node:child_process';
import { allFlags } from '@keepwatch/core/bootstrap';
import { redisExporterBinary, serverBuilds } from '@keepwatch/testing/builds';
import { startTopology, type Topology } from '@keepwatch/testing/valkey-topology';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { valkeyAclRules, valkeyKeyCheckAclRules } from '../src/acl.ts';
import { valkeyExporter } from '../src/definition.ts';
import { redisExporterFlags } from '../src/redis-exporter-parity.ts';
import { exerciseServer } from './harness/exercise.ts';
import { startTestExporter, type TestExporter } from './harness/exporter.ts';
import { familyTypes, parityProblems, startRedisExporter, uncaptured } from './harness/redis-exporter.ts';

describe.each(serverBuilds)('valkey-exporter --namespace redis beside the real redis_exporter 1.69 on a real $id server', (build) => {
  let topology: Topology;
  let exporter: TestExporter;
  let incumbent: Map<string, string>;
  let keepwatch: Map<string, string>;

  beforeAll(async () => {
    topology = await startTopology(build, valkeyAclRules);
    await exerciseServer(topology);
    // A stream with a group and an unacknowledged entry, and the key checks of both exporters on, so their families compare too.
    const admin = topology.primary.admin();
    await admin.xadd('app:events', '*', 'n', '1');
    // A deleted entry elsewhere, so a max-deleted-entry-id is not 0-0 (which keepwatch leaves out as "none
    // deleted"); in app:events it would make the group's lag unknown (nil), which keepwatch leaves out too.
    await admin.xdel('app:trimmed', String(await admin.xadd('app:trimmed', '*', 'n', '2')));
    await admin.xgroup('CREATE', 'app:events', 'workers', '0');
    await admin.xreadgroup('GROUP', 'workers', 'w1', 'COUNT', '1', 'STREAMS', 'app:events', '>');
    await admin.call('ACL', 'SETUSER', 'exporter', ...valkeyKeyCheckAclRules().flatMap((entry) => entry.rules), '%R~*');
    const redisExporter = await startRedisExporter(topology.primary.url, [
      ...['--check-keys', 'app:*', '--count-keys', 'app:*', '--check-key-groups', '^(app):', '--check-streams', 'app:events,app:trimmed'],
    ]);
    try {
      incumbent = familyTypes(await redisExporter.scrape());
    } finally {
      redisExporter.close();
    }
    exporter = await startTestExporter([
      ...[...topology.exporterArgs(), '--namespace', 'redis', '--collector.keys.check', 'app:*', '--collector.keys.count', 'app:*'],
      ...['--collector.keys.export-values', '--collector.key-groups.patterns', '^(app):', '--collector.streams.check', 'app:events,app:trimmed'],
    ]);
    keepwatch = familyTypes((await exporter.scrape()).text);
  });

  afterAll(async () => {
    await exporter?.close();
    await topology?.dispose();
  });

  test('every family redis_exporter exports is in the captured list the README compares, with its type', () => {
    expect(uncaptured(incumbent)).toEqual([]);
    expect(incumbent.size).toBeGreaterThan(100);
  });

  test('each family is what the comparison says: same name and type, renamed, typed a counter, or absent', () => {
    expect(parityProblems(incumbent, keepwatch)).toEqual([]);
  });
});

describe("redis_exporter 1.69's flags beside valkey-exporter's", () => {
  test('every flag of the real binary has an answer, and every flag named as the answer exists', () => {
    const help = spawnSync(redisExporterBinary(), ['--help'], { encoding: 'utf8' });
    const theirs = [...`${help.stdout}${help.stderr}`.matchAll(/^ {2}-([a-z0-9.-]+)/gm)].map(([, name]) => name as string);
    expect(theirs.length).toBeGreaterThan(40);
    expect(theirs.filter((name) => redisExporterFlags[name] === undefined)).toEqual([]);
    expect(Object.keys(redisExporterFlags).filter((name) => !theirs.includes(name))).toEqual([]);
    const ours = new Set(allFlags(valkeyExporter).flatMap((spec) => [spec.name, `no-${spec.name}`]));
    ours.add('version');
    const missing = Object.values(redisExporterFlags).flatMap((answer) => ('flag' in answer && !ours.has(answer.flag) ? [answer.flag] : []));
    expect(missing).toEqual([]);
  });
});
