import { gauge } from '@keepwatch/core/metrics';
import { connectedReplicas } from '@keepwatch/core/redis-info';
import type { ValkeyCollector } from '../snapshot.ts';

const replicaStates = ['wait_bgsave', 'send_bulk', 'online', 'bg_transfer', 'rdb_transmitted'] as const;

const replica = ['slave_ip', 'slave_port'];
const metrics = {
  offset: gauge('connected_slave_offset_bytes', 'Replication offset acknowledged by each replica, in bytes (INFO replication slaveN offset).', replica),
  lagBytes: gauge('connected_slave_lag_bytes', "Bytes each replica is behind: master_repl_offset minus the replica's acknowledged offset.", replica),
  lagSeconds: gauge(
    'connected_slave_lag_seconds',
    'Seconds since each replica last acknowledged, as reported by the primary (INFO replication slaveN lag).',
    replica,
  ),
  state: gauge('connected_slave_state', 'Replication state of each replica (INFO replication slaveN state): 1 for the current state, 0 otherwise.', [
    ...replica,
    'state',
  ]),
  linkUp: gauge('master_link_up', "Whether this replica's link to its primary is up (INFO master_link_status): 1 up, 0 down."),
};

/** Primary side: per-replica lag in bytes and seconds and state. Replica side: link up or down. */
export const replicationCollector: ValkeyCollector = {
  name: 'replication',
  help: 'Per-replica offset, lag in bytes and seconds, and state on a primary; link status on a replica.',
  defaultEnabled: true,
  metrics: Object.values(metrics),
  collect({ info }, sink) {
    const primaryOffset = info.number('master_repl_offset');
    for (const entry of connectedReplicas(info)) {
      const labels = { slave_ip: entry.ip, slave_port: entry.port };
      if (entry.offset !== undefined) {
        sink.emit(metrics.offset, entry.offset, labels);
        if (primaryOffset !== undefined) sink.emit(metrics.lagBytes, Math.max(0, primaryOffset - entry.offset), labels);
      }
      if (entry.lag !== undefined) sink.emit(metrics.lagSeconds, entry.lag, labels);
      for (const state of replicaStates) sink.emit(metrics.state, state === entry.state ? 1 : 0, { ...labels, state });
    }
    const link = info.get('master_link_status');
    if (link !== undefined) sink.emit(metrics.linkUp, link === 'up' ? 1 : 0);
  },
};
