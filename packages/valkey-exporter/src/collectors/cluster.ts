import { counter } from '@keepwatch/core/metrics';
import { applyCatalogue, type Catalogue, counterField, gaugeField, parseInfo } from '@keepwatch/resp/info';
import type { ValkeyCollector } from '../capabilities.ts';

const clusterCatalogue: Catalogue = {
  fields: [
    gaugeField('cluster_state', 'cluster_state', 'Whether the cluster state is ok: 1 ok, 0 fail', { parse: 'status' }),
    gaugeField('cluster_slots_assigned', 'cluster_slots_assigned', 'Slots assigned to a node'),
    gaugeField('cluster_slots_ok', 'cluster_slots_ok', 'Slots whose node is reachable'),
    gaugeField('cluster_slots_pfail', 'cluster_slots_pfail', 'Slots whose node is possibly failing'),
    gaugeField('cluster_slots_fail', 'cluster_slots_fail', 'Slots whose node has failed'),
    gaugeField('cluster_known_nodes', 'cluster_known_nodes', 'Nodes known to this node'),
    gaugeField('cluster_size', 'cluster_size', 'Primaries serving at least one slot'),
    gaugeField('cluster_current_epoch', 'cluster_current_epoch', 'Current cluster epoch'),
    gaugeField('cluster_my_epoch', 'cluster_my_epoch', 'Config epoch of this node'),
    gaugeField('cluster_nodes_pfail', 'cluster_nodes_pfail', 'Nodes flagged as possibly failing'),
    gaugeField('cluster_nodes_fail', 'cluster_nodes_fail', 'Nodes flagged as failed'),
    gaugeField('cluster_voting_nodes_pfail', 'cluster_voting_nodes_pfail', 'Voting nodes flagged as possibly failing'),
    gaugeField('cluster_voting_nodes_fail', 'cluster_voting_nodes_fail', 'Voting nodes flagged as failed'),
    counterField('cluster_stats_messages_sent', 'cluster_messages_sent_total', 'Cluster bus messages sent'),
    counterField('cluster_stats_messages_received', 'cluster_messages_received_total', 'Cluster bus messages received'),
    counterField(
      'total_cluster_links_buffer_limit_exceeded',
      'cluster_links_buffer_limit_exceeded_total',
      'Cluster links freed for exceeding the send buffer limit',
    ),
  ],
  ignored: [],
  structured: [/^cluster_stats_messages_.+_(sent|received)$/],
};

const byKind = {
  sent: counter('cluster_messages_by_kind_sent_total', 'Cluster bus messages sent, by message kind (CLUSTER INFO cluster_stats_messages_<kind>_sent).', [
    'kind',
  ]),
  received: counter(
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
    for (let index = 0; index < info.keys.length; index += 1) {
      const key = info.keys[index] as string;
      const value = info.values[index] as string;
      const match = /^cluster_stats_messages_(.+)_(sent|received)$/.exec(key);
      const count = Number(value);
      if (match === null || !Number.isFinite(count)) continue;
      sink.emit(match[2] === 'sent' ? byKind.sent : byKind.received, count, { kind: match[1] ?? '' });
    }
  },
};
