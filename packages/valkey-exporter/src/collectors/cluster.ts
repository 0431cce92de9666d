import { counter as counterMetric } from '@keepwatch/core/metrics';
import { applyCatalogue, type Catalogue, parseInfo } from '@keepwatch/core/redis-info';
import type { ValkeyCollector } from '../snapshot.ts';

const gauge = (field: string, metric: string, help: string) => ({ field, metric, type: 'gauge' as const, help });
const counter = (field: string, metric: string, help: string) => ({ field, metric, type: 'counter' as const, help });

const clusterCatalogue: Catalogue = {
  fields: [
    { ...gauge('cluster_state', 'cluster_state', 'Whether the cluster state is ok: 1 ok, 0 fail'), parse: 'status' },
    gauge('cluster_slots_assigned', 'cluster_slots_assigned', 'Slots assigned to a node'),
    gauge('cluster_slots_ok', 'cluster_slots_ok', 'Slots whose node is reachable'),
    gauge('cluster_slots_pfail', 'cluster_slots_pfail', 'Slots whose node is possibly failing'),
    gauge('cluster_slots_fail', 'cluster_slots_fail', 'Slots whose node has failed'),
    gauge('cluster_known_nodes', 'cluster_known_nodes', 'Nodes known to this node'),
    gauge('cluster_size', 'cluster_size', 'Primaries serving at least one slot'),
    gauge('cluster_current_epoch', 'cluster_current_epoch', 'Current cluster epoch'),
    gauge('cluster_my_epoch', 'cluster_my_epoch', 'Config epoch of this node'),
    gauge('cluster_nodes_pfail', 'cluster_nodes_pfail', 'Nodes flagged as possibly failing'),
    gauge('cluster_nodes_fail', 'cluster_nodes_fail', 'Nodes flagged as failed'),
    gauge('cluster_voting_nodes_pfail', 'cluster_voting_nodes_pfail', 'Voting nodes flagged as possibly failing'),
    gauge('cluster_voting_nodes_fail', 'cluster_voting_nodes_fail', 'Voting nodes flagged as failed'),
    counter('cluster_stats_messages_sent', 'cluster_messages_sent_total', 'Cluster bus messages sent'),
    counter('cluster_stats_messages_received', 'cluster_messages_received_total', 'Cluster bus messages received'),
    counter(
      'total_cluster_links_buffer_limit_exceeded',
      'cluster_links_buffer_limit_exceeded_total',
      'Cluster links freed for exceeding the send buffer limit',
    ),
  ],
  ignored: [],
  structured: [/^cluster_stats_messages_.+_(sent|received)$/],
};

const byKind = {
  sent: counterMetric('cluster_messages_by_kind_sent_total', 'Cluster bus messages sent, by message kind (CLUSTER INFO cluster_stats_messages_<kind>_sent).', [
    'kind',
  ]),
  received: counterMetric(
    'cluster_messages_by_kind_received_total',
    'Cluster bus messages received, by message kind (CLUSTER INFO cluster_stats_messages_<kind>_received).',
    ['kind'],
  ),
};

export { clusterCatalogue };

/** CLUSTER INFO, only on servers started with cluster-enabled yes. */
export const clusterCollector: ValkeyCollector = {
  name: 'cluster',
  help: 'CLUSTER INFO: state, slots, nodes, epochs and bus messages (only when cluster mode is enabled).',
  defaultEnabled: true,
  metrics: Object.values(byKind),
  applies: (caps) => caps.clusterEnabled,
  commands: () => [{ key: 'cluster-info', argv: ['CLUSTER', 'INFO'] }],
  collect(snapshot, sink) {
    const info = parseInfo(String(snapshot.reply('cluster-info')));
    applyCatalogue(info, clusterCatalogue, sink, { source: 'CLUSTER INFO', exportUnknown: false });
    for (const { key, value } of info.fields) {
      const match = /^cluster_stats_messages_(.+)_(sent|received)$/.exec(key);
      const count = Number(value);
      if (match === null || !Number.isFinite(count)) continue;
      sink.emit(match[2] === 'sent' ? byKind.sent : byKind.received, count, { kind: match[1] ?? '' });
    }
  },
};
