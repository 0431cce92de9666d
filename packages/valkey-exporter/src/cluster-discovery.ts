import type { DiscoveredTarget } from '@keepwatch/core/targets';
import type { RespAddress } from '@keepwatch/resp';
import { flatPairs } from '@keepwatch/resp/collectors';

/**
 * The nodes of a cluster from CLUSTER SHARDS (Redis 7.0+, every Valkey): per shard its slot ranges and its
 * nodes with role and health (valkey src/cluster.c clusterCommandShards / addShardReplyForClusterShards).
 * Its shard has no id before Valkey 8.1 and Redis 7.2, but its slots identify it and survive a failover.
 * Health is `online`, `loading` (a replica at replication offset 0) or `fail` (valkey 8.0.1 src/cluster_legacy.c
 * addNodeDetailsToShardReply; the Redis docs say `failed`): failed nodes are left out, Prometheus would only
 * scrape a dead node.
 */
export function clusterNodes(reply: unknown, seed: RespAddress): DiscoveredTarget[] {
  if (!Array.isArray(reply)) throw new Error('CLUSTER SHARDS did not return an array');
  const nodes: DiscoveredTarget[] = [];
  for (const shard of reply.map(flatPairs)) {
    const slots = shard.get('slots');
    const bounds = Array.isArray(slots) ? slots.map(String) : [];
    const ranges: string[] = [];
    for (let index = 0; index + 1 < bounds.length; index += 2)
      ranges.push(bounds[index] === bounds[index + 1] ? String(bounds[index]) : `${bounds[index]}-${bounds[index + 1]}`);
    const members = shard.get('nodes');
    for (const node of (Array.isArray(members) ? members : []).map(flatPairs)) {
      const health = String(node.get('health') ?? '');
      if (health === 'fail' || health === 'failed') continue;
      // A node that never met another does not know its own IP (an empty ip): it is the seed itself.
      const endpoint = [node.get('endpoint'), node.get('ip')].map((value) => String(value ?? '')).find((value) => value !== '' && value !== '?') ?? seed.host;
      const port = seed.tls ? (node.get('tls-port') ?? node.get('port')) : node.get('port');
      if (endpoint === undefined || port === undefined) continue;
      const host = endpoint.includes(':') ? `[${endpoint}]` : endpoint;
      nodes.push({
        address: `${seed.tls ? 'rediss' : 'redis'}://${host}:${String(port)}`,
        labels: {
          __meta_valkey_cluster_node_id: String(node.get('id') ?? ''),
          __meta_valkey_cluster_role: node.get('role') === 'master' ? 'primary' : 'replica',
          __meta_valkey_cluster_shard: ranges.length === 0 ? 'none' : ranges.join(','),
          __meta_valkey_cluster_health: health,
        },
      });
    }
  }
  return nodes;
}
