import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { multiTargetJob, type PrometheusHandle, startDefinitionExporter, startPrometheus, type TestExporter, waitFor } from '@keepwatch/testing';
import { build } from '@keepwatch/testing/builds';
import { clusterInfo, startCluster } from '@keepwatch/testing/cluster';
import type { ServerHandle } from '@keepwatch/testing/servers';
import { valkeyExporter } from '@keepwatch/valkey-exporter';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { eventuallyInState, ruleStates, writeRuleFiles } from './live-config.ts';

/** The cluster alerts on a real cluster, its nodes found through /discover-cluster-nodes as a user would. */
describe('the cluster rules in a real Prometheus scraping a real 6-node Valkey cluster through http_sd', () => {
  let dir: string;
  let nodes: ServerHandle[];
  let exporter: TestExporter;
  let prometheus: PrometheusHandle;
  const clusterAlerts = ['ValkeyClusterStateNotOk', 'ValkeyClusterSlotsFailing', 'ValkeyClusterSlotsPossiblyFailing', 'ValkeyClusterFlapping'];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'keepwatch-cluster-live-'));
    nodes = await startCluster(build('valkey-8.0'), 3);
    writeFileSync(join(dir, 'targets.yml'), `targets:\n  - address: redis://127.0.0.1:${nodes[0]?.port}\n    cluster: true\n`);
    exporter = await startDefinitionExporter(valkeyExporter, ['--valkey.addr', '', '--scrape.config-file', join(dir, 'targets.yml')]);
    prometheus = await startPrometheus({}, writeRuleFiles(dir), multiTargetJob('cluster', exporter.url, { httpSd: '/discover-cluster-nodes' }));
  }, 120_000);

  afterAll(async () => {
    await prometheus?.stop();
    await exporter?.close();
    for (const node of nodes ?? []) await node.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a healthy cluster: every node scraped, no cluster alert', async () => {
    await waitFor('six nodes scraped', async () => ((await prometheus.value('count(valkey_cluster_state == 1)')) === 6 ? true : undefined), 400, 100);
    const rules = await waitFor(
      'cluster rules evaluated',
      async () => {
        const states = (await ruleStates(prometheus)).filter((rule) => clusterAlerts.includes(rule.name));
        return states.length === clusterAlerts.length && states.every((rule) => rule.health === 'ok') ? states : undefined;
      },
      300,
      100,
    );
    expect(rules.filter((rule) => rule.state !== 'inactive').map((rule) => rule.name)).toEqual([]);
  });

  test('a shard that loses its primary and its replica: slots fail, the cluster state fails, both alerts fire', async () => {
    const shards = (await (await fetch(`${exporter.url}/discover-cluster-nodes`)).json()) as { targets: string[]; labels: Record<string, string> }[];
    const seed = nodes[0] as ServerHandle;
    const seedShard = shards.find((group) => group.targets[0] === `redis://127.0.0.1:${seed.port}`)?.labels.__meta_valkey_cluster_shard;
    const doomedShard = shards.find((group) => group.labels.__meta_valkey_cluster_shard !== seedShard)?.labels.__meta_valkey_cluster_shard;
    const doomed = shards.filter((group) => group.labels.__meta_valkey_cluster_shard === doomedShard).map((group) => group.targets[0]);
    expect(doomed.length).toBe(2);
    for (const node of nodes.filter((candidate) => doomed.includes(`redis://127.0.0.1:${candidate.port}`))) await node.stop();
    await waitFor('the seed sees the slots fail', async () => (Number((await clusterInfo(seed)).get('cluster_slots_fail')) > 0 ? true : undefined), 600, 100);
    await eventuallyInState(prometheus, 'ValkeyClusterSlotsFailing', 'firing');
    await eventuallyInState(prometheus, 'ValkeyClusterStateNotOk', 'firing');
  }, 120_000);
});
