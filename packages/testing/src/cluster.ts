import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { type InfoDocument, parseInfo } from '@keepwatch/resp/info';
import { engineCommand, type ServerBuild } from './builds.ts';
import { type ServerHandle, startServer } from './servers.ts';
import { waitFor } from './wait.ts';

const run = promisify(execFile);

/** CLUSTER INFO, parsed as INFO is. */
export async function clusterInfo(node: ServerHandle): Promise<InfoDocument> {
  return parseInfo(String(await node.admin().call('CLUSTER', 'INFO')));
}

/** Nodes whose CLUSTER NODES flags (third field) include `master`: valkey 8.0.1 src/cluster_legacy.c still prints master and slave there, as Redis does. */
function clusterMasters(nodesReply: string): number {
  return nodesReply.split('\n').filter((line) => line.split(' ')[2]?.split(',').includes('master')).length;
}

/**
 * A real cluster on loopback made the way operators make one: `<engine>-cli --cluster create` over
 * `primaries * 2` nodes, one replica each, a one-second node timeout so a failover takes seconds.
 */
export async function startCluster(build: ServerBuild, primaries: number): Promise<ServerHandle[]> {
  const nodes: ServerHandle[] = [];
  try {
    for (let i = 0; i < primaries * 2; i += 1) {
      nodes.push(await startServer(build, { args: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '1000'] }));
    }
    const cli = engineCommand(build, 'cli', [
      '--cluster',
      'create',
      ...nodes.map((node) => `127.0.0.1:${node.port}`),
      '--cluster-replicas',
      '1',
      '--cluster-yes',
    ]);
    await run(cli.file, cli.args, { timeout: 60_000 });
    for (const node of nodes) {
      await waitFor(
        'every node sees the cluster ok',
        async () => {
          const info = await clusterInfo(node);
          return info.get('cluster_state') === 'ok' && Number(info.get('cluster_known_nodes')) === nodes.length ? true : undefined;
        },
        400,
      );
      // The cluster is ok before gossip has told every node which of the others became replicas (CLUSTER
      // REPLICATE runs on each replica): until then a node lists them as masters (a CI run saw 6 of 6).
      await waitFor(
        'every node sees each replica as a replica',
        async () => (clusterMasters(String(await node.admin().call('CLUSTER', 'NODES'))) === primaries ? true : undefined),
        400,
      );
    }
    return nodes;
  } catch (error) {
    for (const node of nodes) await node.dispose();
    throw error;
  }
}
