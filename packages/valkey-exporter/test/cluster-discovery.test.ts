import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { multiTargetJob, type PrometheusHandle, startPrometheus, waitFor } from '@keepwatch/testing';
import { build } from '@keepwatch/testing/builds';
import { clusterInfo, startCluster } from '@keepwatch/testing/cluster';
import type { ServerHandle } from '@keepwatch/testing/servers';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { valkeyAclRules } from '../src/acl.ts';
import { parseMetrics, startTestExporter, type TestExporter } from './harness/exporter.ts';

interface Group {
  targets: string[];
  labels: Record<string, string>;
}

describe.each([build('valkey-8.0'), build('redis-7.0')])('/discover-cluster-nodes on a real 6-node $id cluster', (serverBuild) => {
  let nodes: ServerHandle[];
  let exporter: TestExporter;
  let prometheus: PrometheusHandle | undefined;
  const address = (node: ServerHandle) => `redis://127.0.0.1:${node.port}`;
  const discover = async () => {
    const response = await fetch(`${exporter.url}/discover-cluster-nodes`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    return (await response.json()) as Group[];
  };
  const scrapeStatus = async (node: ServerHandle) => {
    const response = await fetch(`${exporter.url}/scrape?target=${encodeURIComponent(address(node))}`);
    return { status: response.status, text: await response.text() };
  };

  beforeAll(async () => {
    nodes = await startCluster(serverBuild, 3);
    // The exporter's least-privilege user on every node (ACL users are per node), CLUSTER SHARDS included.
    for (const node of nodes) await node.admin().call('ACL', 'SETUSER', 'exporter', ...valkeyAclRules(serverBuild), '>cluster-password');
    const dir = mkdtempSync(join(tmpdir(), 'keepwatch-cluster-'));
    writeFileSync(join(dir, 'password'), 'cluster-password\n');
    const file = join(dir, 'targets.yml');
    const seed = nodes[0] as ServerHandle;
    writeFileSync(
      file,
      [
        'auth_profiles:',
        '  cluster:',
        '    username: exporter',
        '    password_file: password',
        'targets:',
        `  - address: ${address(seed)}`,
        '    auth_profile: cluster',
        '    cluster: true',
        '',
      ].join('\n'),
    );
    exporter = await startTestExporter(['--valkey.addr', '', '--scrape.config-file', file]);
  }, 120_000);

  afterAll(async () => {
    await prometheus?.stop();
    await exporter?.close();
    for (const node of nodes ?? []) await node.dispose();
  });

  test('before discovery only the seed may be scraped; discovery lists all six nodes with role, shard and health', async () => {
    expect((await scrapeStatus(nodes[1] as ServerHandle)).status).toBe(400);
    const groups = await discover();
    expect(groups.map((group) => group.targets[0]).sort()).toEqual(nodes.map(address).sort());
    const roles = groups.map((group) => group.labels.__meta_valkey_cluster_role);
    expect(roles.filter((role) => role === 'primary').length).toBe(3);
    expect(roles.filter((role) => role === 'replica').length).toBe(3);
    const shards = new Map<string, string[]>();
    for (const group of groups)
      shards.set(group.labels.__meta_valkey_cluster_shard ?? '', [
        ...(shards.get(group.labels.__meta_valkey_cluster_shard ?? '') ?? []),
        group.labels.__meta_valkey_cluster_role ?? '',
      ]);
    expect([...shards.values()].map((members) => members.sort())).toEqual([...Array(3)].map(() => ['primary', 'replica']));
    expect([...shards.keys()].sort()).toEqual(['0-5460', '10923-16383', '5461-10922']);
    // A replica that has replicated nothing yet (offset 0) is `loading`; nothing has been written here.
    expect(
      groups.filter((group) => group.labels.__meta_valkey_cluster_health !== 'online').map((group) => group.labels.__meta_valkey_cluster_role),
    ).not.toContain('primary');
    expect(new Set(groups.map((group) => group.labels.__meta_keepwatch_cluster_seed))).toEqual(new Set([address(nodes[0] as ServerHandle)]));
    for (const node of nodes) {
      const scraped = await scrapeStatus(node);
      expect(scraped.status).toBe(200);
      expect(parseMetrics(scraped.text).value('valkey_cluster_state')).toBe(1);
    }
  });

  test('a real Prometheus with http_sd_configs on the endpoint scrapes every node through /scrape', async () => {
    prometheus = await startPrometheus(
      {},
      [],
      multiTargetJob('cluster', exporter.url, { httpSd: '/discover-cluster-nodes' }, [['__meta_valkey_cluster_shard', 'shard']]),
    );
    await waitFor('six nodes up in Prometheus', async () => ((await prometheus?.value('sum(valkey_up{job="cluster"})')) === 6 ? true : undefined), 400);
    expect(await prometheus.value('count(count by (shard) (valkey_up{job="cluster"}))')).toBe(3);
  }, 60_000);

  test('a failover: the dead primary leaves the list and /scrape, its replica is listed as the primary of the same shard', async () => {
    const before = await discover();
    const victimGroup = before.find((group) => group.labels.__meta_valkey_cluster_role === 'primary' && group.targets[0] !== address(nodes[0] as ServerHandle));
    const victim = nodes.find((node) => address(node) === victimGroup?.targets[0]) as ServerHandle;
    const shard = victimGroup?.labels.__meta_valkey_cluster_shard;
    await victim.stop();
    const seed = nodes[0] as ServerHandle;
    // The seed can still say ok before it has noticed the dead primary, and list five nodes (the dead one
    // unreachable) before the replica's promotion reaches it: wait for all three.
    await waitFor(
      'the replica promoted and the cluster ok',
      async () => {
        const info = await clusterInfo(seed);
        if (info.get('cluster_state') !== 'ok') return undefined;
        const groups = await discover();
        const promoted = groups.some((group) => group.labels.__meta_valkey_cluster_shard === shard && group.labels.__meta_valkey_cluster_role === 'primary');
        return groups.length === 5 && promoted ? true : undefined;
      },
      600,
    );
    const after = await discover();
    expect(after.map((group) => group.targets[0])).not.toContain(address(victim));
    const inShard = after.filter((group) => group.labels.__meta_valkey_cluster_shard === shard);
    expect(inShard.map((group) => group.labels.__meta_valkey_cluster_role)).toEqual(['primary']);
    expect((await scrapeStatus(victim)).status).toBe(400);
  }, 60_000);
});
