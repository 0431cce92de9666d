import { connectedReplicas } from '@keepwatch/core/redis-info';
import type { ValkeyCollector } from '../snapshot.ts';

const replicaStates = ['wait_bgsave', 'send_bulk', 'online', 'bg_transfer', 'rdb_transmitted'] as const;

const help = {
  offset: 'Replication offset acknowledged by each replica, in bytes (INFO replication slaveN offset).',
  lagBytes: "Bytes each replica is behind: master_repl_offset minus the replica's acknowledged offset.",
  lagSeconds: 'Seconds since each replica last acknowledged, as reported by the primary (INFO replication slaveN lag).',
  state: 'Replication state of each replica (INFO replication slaveN state): 1 for the current state, 0 otherwise.',
  linkUp: "Whether this replica's link to its primary is up (INFO master_link_status): 1 up, 0 down.",
} as const;

/** Primary side: per-replica lag in bytes and seconds and state. Replica side: link up or down. */
export const replicationCollector: ValkeyCollector = {
  name: 'replication',
  help: 'Per-replica offset, lag in bytes and seconds, and state on a primary; link status on a replica.',
  defaultEnabled: true,
  collect({ info }, sink) {
    const primaryOffset = info.number('master_repl_offset');
    for (const replica of connectedReplicas(info)) {
      const labels = { slave_ip: replica.ip, slave_port: replica.port };
      if (replica.offset !== undefined) {
        sink.gauge('connected_slave_offset_bytes', help.offset, replica.offset, labels);
        if (primaryOffset !== undefined) sink.gauge('connected_slave_lag_bytes', help.lagBytes, Math.max(0, primaryOffset - replica.offset), labels);
      }
      if (replica.lag !== undefined) sink.gauge('connected_slave_lag_seconds', help.lagSeconds, replica.lag, labels);
      for (const state of replicaStates) sink.gauge('connected_slave_state', help.state, state === replica.state ? 1 : 0, { ...labels, state });
    }
    const link = info.get('master_link_status');
    if (link !== undefined) sink.gauge('master_link_up', help.linkUp, link === 'up' ? 1 : 0);
  },
};
