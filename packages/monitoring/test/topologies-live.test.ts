import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { multiTargetJob, type PrometheusHandle, startDefinitionExporter, startPrometheus, type TestExporter, waitFor } from '@keepwatch/testing';
import { build } from '@keepwatch/testing/builds';
import { clusterInfo, startCluster } from '@keepwatch/testing/cluster';
import { masterName, startSentinels } from '@keepwatch/testing/sentinel';
import { type ServerHandle, startServer } from '@keepwatch/testing/servers';
import { valkeyExporter } from '@keepwatch/valkey-exporter';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { activeAfterEvaluation, eventuallyInState, panelQueries, queriesWithoutData, writeRuleFiles } from './live-config.ts';

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
    expect(await activeAfterEvaluation(prometheus, clusterAlerts)).toEqual([]);
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
    expect(
      await queriesWithoutData(
        prometheus,
        panelQueries((row) => row === 'Cluster and Sentinel').filter((query) => query.where.startsWith('valkey / Cluster')),
      ),
    ).toEqual([]);
  }, 120_000);
});

describe('the Sentinel rules and panels in a real Prometheus scraping three real Sentinels', () => {
  let dir: string;
  let primary: ServerHandle;
  let replica: ServerHandle;
  let sentinels: ServerHandle[];
  const exporters: TestExporter[] = [];
  let prometheus: PrometheusHandle;
  const sentinelAlerts = ['ValkeySentinelMasterDown', 'ValkeySentinelFailover', 'ValkeySentinelQuorumUnreachable', 'ValkeySentinelsTooFew'];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'keepwatch-sentinel-live-'));
    primary = await startServer(build('valkey-8.0'));
    replica = await startServer(build('valkey-8.0'), { args: ['--replicaof', '127.0.0.1', String(primary.port)] });
    sentinels = await startSentinels(primary, { count: 3, replicas: 1 });
    for (const sentinel of sentinels) exporters.push(await startDefinitionExporter(valkeyExporter, ['--valkey.addr', sentinel.url]));
    prometheus = await startPrometheus({ sentinel: exporters.map((exporter) => new URL(exporter.url).host) }, writeRuleFiles(dir));
  }, 120_000);

  afterAll(async () => {
    await prometheus?.stop();
    for (const exporter of exporters) await exporter.close();
    for (const server of [...(sentinels ?? []), replica, primary]) await server?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  test('healthy: the Sentinel panels have data and no Sentinel alert fires', async () => {
    expect(
      await queriesWithoutData(
        prometheus,
        panelQueries((row) => row === 'Cluster and Sentinel').filter((query) => query.where.startsWith('valkey / Sentinel')),
      ),
    ).toEqual([]);
    expect(await activeAfterEvaluation(prometheus, sentinelAlerts)).toEqual([]);
  });

  test('the primary dies: the Sentinels fail it over and SentinelFailover fires once for the master', async () => {
    await primary.stop();
    await eventuallyInState(prometheus, 'ValkeySentinelFailover', 'firing');
    const alerts = await prometheus.api<{ alerts: { labels: Record<string, string>; state: string }[] }>('alerts');
    const failovers = alerts.alerts.filter((alert) => alert.labels.alertname === 'ValkeySentinelFailover');
    expect(failovers.map((alert) => alert.labels.master_name)).toEqual([masterName]);
  }, 60_000);
});
