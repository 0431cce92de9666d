import { gauge } from '@keepwatch/core/metrics';
import { connectedReplicas } from '../info/index.ts';
import type { RespCollector } from '../snapshot.ts';

const replica = ['slave_ip', 'slave_port'];
const metrics = {
  offset: gauge('connected_slave_offset_bytes', 'Replication offset acknowledged by each replica, in bytes (INFO replication slaveN offset).', replica),
  lagBytes: gauge('connected_slave_lag_bytes', "Bytes each replica is behind: master_repl_offset minus the replica's acknowledged offset.", replica),
  state: gauge('connected_slave_state', 'Replication state of each replica (INFO replication slaveN state): 1 for the current state, 0 otherwise.', [
    ...replica,
    'state',
  ]),
  linkUp: gauge('master_link_up', "Whether this replica's link to its primary is up (INFO master_link_status): 1 up, 0 down."),
};

/** What the `lag=` of a slaveN line counts on this engine. */
export const replicaLag = {
  seconds: gauge(
    'connected_slave_lag_seconds',
    'Seconds since each replica last acknowledged, as reported by the primary (INFO replication slaveN lag).',
    replica,
  ),
  records: gauge(
    'connected_slave_lag_records',
    'Journal records each replica is behind, the largest over shards (Dragonfly INFO replication slaveN lag; 0 outside stable sync).',
    replica,
  ),
};

export interface ReplicationOptions {
  /** Every state a slaveN line can report, so each replica has one 0/1 series per state. */
  readonly states: readonly string[];
  readonly lag: (typeof replicaLag)[keyof typeof replicaLag];
}

/** Primary side: per-replica offset, lag and state. Replica side: link up or down. */
export function replicationCollector(options: ReplicationOptions): RespCollector {
  return {
    name: 'replication',
    help: 'Per-replica offset, lag and state on a primary; link status on a replica.',
    defaultEnabled: true,
    metrics: [metrics.offset, metrics.lagBytes, options.lag, metrics.state, metrics.linkUp],
    collect({ info }, sink) {
      const primaryOffset = info.number('master_repl_offset');
      for (const entry of connectedReplicas(info)) {
        const labels = { slave_ip: entry.ip, slave_port: entry.port };
        if (entry.offset !== undefined) {
          sink.emit(metrics.offset, entry.offset, labels);
          if (primaryOffset !== undefined) sink.emit(metrics.lagBytes, Math.max(0, primaryOffset - entry.offset), labels);
        }
        if (entry.lag !== undefined) sink.emit(options.lag, entry.lag, labels);
        for (const state of options.states) sink.emit(metrics.state, state === entry.state ? 1 : 0, { ...labels, state });
      }
      const link = info.get('master_link_status');
      if (link !== undefined) sink.emit(metrics.linkUp, link === 'up' ? 1 : 0);
    },
  };
}
