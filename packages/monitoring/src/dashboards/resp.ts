import type { RespEngine } from '../alerts/resp/index.ts';
import { defaultConfig } from '../config.ts';
import { type DashboardSpec, sel } from './model.ts';

/** One dashboard per Redis-protocol engine: the same panels on the metrics both exporters name alike. */
export function respDashboard(engine: RespEngine): DashboardSpec {
  // The alerts' thresholds, so a panel shows where its alert fires.
  const t = defaultConfig.thresholds;
  const ns = engine.id;
  const m = (metric: string, extra = '') => sel(`${ns}_${metric}`, extra);
  const rate = (metric: string, extra = '') => `rate(${m(metric, extra)}[$__rate_interval])`;
  return {
    uid: `keepwatch-${ns}`,
    title: `${engine.title} (keepwatch)`,
    description: `${engine.title} memory, clients, security signals, replication and latency from ${ns}-exporter.`,
    tags: ['keepwatch', ns],
    variableMetric: `${ns}_up`,
    rows: [
      {
        title: 'Overview',
        panels: [
          {
            title: 'Up',
            description: `Whether the exporter reads ${engine.title} (${ns}_up).`,
            type: 'stat',
            unit: 'bool_yes_no',
            width: 6,
            targets: [{ expr: m('up'), legend: '{{instance}}' }],
          },
          {
            title: 'Commands per second',
            description: 'Commands processed per second.',
            type: 'timeseries',
            unit: 'ops',
            width: 18,
            targets: [{ expr: `sum by (instance) (${rate('commands_processed_total')})`, legend: '{{instance}}' }],
          },
          {
            title: 'Memory',
            description: 'Used memory and, where set, maxmemory.',
            type: 'timeseries',
            unit: 'bytes',
            targets: [
              { expr: m('memory_used_bytes'), legend: '{{instance}} used' },
              { expr: `${m('memory_max_bytes')} > 0`, legend: '{{instance}} maxmemory' },
            ],
          },
          {
            title: 'Memory used of maxmemory',
            description:
              "Used memory as a ratio of maxmemory; no line when maxmemory is not set (never a division by 0). The lines are the memory alerts' thresholds.",
            type: 'timeseries',
            unit: 'percentunit',
            thresholds: { warning: t.memoryWarningRatio, critical: t.memoryCriticalRatio },
            targets: [{ expr: m('memory_used_ratio'), legend: '{{instance}}' }],
          },
          {
            title: 'Clients',
            description: 'Connected clients against maxclients.',
            type: 'timeseries',
            unit: 'short',
            targets: [
              { expr: m('connected_clients'), legend: '{{instance}} connected' },
              { expr: m('max_clients'), legend: '{{instance}} maxclients' },
            ],
          },
          {
            title: 'Clients of maxclients',
            description: "Connected clients as a ratio of maxclients; beyond 1 new connections are refused. The line is the connections alert's threshold.",
            type: 'timeseries',
            unit: 'percentunit',
            thresholds: { warning: t.connectionsNearMaxRatio },
            targets: [{ expr: `${m('connected_clients')} / (${m('max_clients')} > 0)`, legend: '{{instance}}' }],
          },
          {
            title: 'Keyspace hit ratio',
            description: 'Share of key lookups that found the key.',
            type: 'timeseries',
            unit: 'percentunit',
            targets: [
              {
                expr: `sum by (instance) (${rate('keyspace_hits_total')}) / (sum by (instance) (${rate('keyspace_hits_total')}) + sum by (instance) (${rate('keyspace_misses_total')}) > 0)`,
                legend: '{{instance}}',
              },
            ],
          },
        ],
      },
      {
        title: 'Security',
        panels: [
          {
            title: 'Failed authentications per second',
            description: 'Rejected AUTH/HELLO attempts; a burst is a password guessing attempt or a stale client secret.',
            type: 'timeseries',
            unit: 'ops',
            targets: [{ expr: rate('auth_failures_total'), legend: '{{instance}}' }],
          },
          {
            title: 'ACL denials by user',
            description: 'Commands, keys or channels refused by ACL rules (ACL LOG), per user.',
            type: 'timeseries',
            unit: 'ops',
            targets: [{ expr: `sum by (instance, user) (${rate('acl_log_events_total', 'reason!="auth"')})`, legend: '{{instance}} {{user}}' }],
          },
          {
            title: 'Dangerous commands',
            description: 'Dangerous commands (FLUSHALL, CONFIG SET, DEBUG, ...) run per interval.',
            type: 'timeseries',
            unit: 'short',
            targets: [{ expr: `sum by (instance, cmd) (increase(${m('dangerous_commands_total')}[$__rate_interval]))`, legend: '{{instance}} {{cmd}}' }],
          },
          {
            title: 'New connections per second',
            description: 'Connections accepted per second; a flood shows here before clients pile up.',
            type: 'timeseries',
            unit: 'ops',
            targets: [{ expr: rate('connections_received_total'), legend: '{{instance}}' }],
          },
          ...(engine.certificateExpiry
            ? [
                {
                  title: 'TLS certificate time left',
                  description: 'Time until the server, client and earliest CA certificate expire (Valkey 9.1+ with TLS); renew before it reaches zero.',
                  type: 'timeseries' as const,
                  unit: 's' as const,
                  width: 24,
                  targets: (['server', 'client', 'ca'] as const).map((certificate) => ({
                    expr: m(`tls_${certificate}_cert_expires_in_seconds`),
                    legend: `{{instance}} ${certificate}`,
                  })),
                },
              ]
            : []),
          {
            title: 'Log events',
            description: 'Events classified from the server log (--log.file), per interval.',
            type: 'timeseries',
            unit: 'short',
            width: 24,
            targets: [{ expr: `sum by (instance, event) (increase(${m('log_events_total')}[$__rate_interval]))`, legend: '{{instance}} {{event}}' }],
          },
        ],
      },
      {
        title: 'Replication',
        panels: [
          {
            title: 'Replica link up',
            description: 'On replicas: whether the link to the primary is up.',
            type: 'timeseries',
            unit: 'bool_yes_no',
            width: 8,
            targets: [{ expr: m('master_link_up'), legend: '{{instance}}' }],
          },
          {
            title: 'Connected replicas',
            description: 'On primaries: replicas connected.',
            type: 'timeseries',
            unit: 'short',
            width: 8,
            targets: [{ expr: m('connected_slaves'), legend: '{{instance}}' }],
          },
          {
            title: 'Replica lag',
            description: engine.lagBytes
              ? "On primaries: bytes each replica is behind (primary offset minus the replica's acknowledged offset)."
              : 'On primaries: journal records each replica is behind.',
            type: 'timeseries',
            unit: engine.lagBytes ? 'bytes' : 'short',
            width: 8,
            thresholds: { warning: engine.lagBytes ? t.replicationLagBytes : t.replicationLagRecords },
            targets: [
              { expr: m(engine.lagBytes ? 'connected_slave_lag_bytes' : 'connected_slave_lag_records'), legend: '{{instance}} -> {{slave_ip}}:{{slave_port}}' },
            ],
          },
        ],
      },
      ...(engine.keyChecks ? [keysRow(engine)] : []),
      ...(engine.sentinel ? [clusterAndSentinelRow(engine)] : []),
      {
        title: 'Performance and exporter',
        panels: [
          {
            title: 'Command latency p99',
            description: "The server's own 99th percentile per command (INFO latencystats, since start or CONFIG RESETSTAT).",
            type: 'timeseries',
            unit: 's',
            targets: [{ expr: m('latency_percentiles_seconds', 'quantile="0.99"'), legend: '{{instance}} {{cmd}}' }],
          },
          {
            title: 'Evicted keys per second',
            description: 'Keys evicted to stay under maxmemory.',
            type: 'timeseries',
            unit: 'ops',
            targets: [{ expr: rate('evicted_keys_total'), legend: '{{instance}}' }],
          },
          {
            title: 'Collectors failing',
            description: 'Collectors of the exporter that failed in the latest scrape (0 is good).',
            type: 'timeseries',
            unit: 'short',
            targets: [
              {
                expr: `count by (instance) (${m('exporter_collector_success')} == 0) or sum by (instance) (${m('exporter_collector_success')}) * 0`,
                legend: '{{instance}}',
              },
            ],
          },
          {
            title: 'Scrape duration',
            description: 'How long the exporter took to read the server.',
            type: 'timeseries',
            unit: 's',
            targets: [{ expr: m('exporter_last_scrape_duration_seconds'), legend: '{{instance}}' }],
          },
          {
            title: 'Exporter memory',
            description: "The exporter process's resident memory and V8 heap in use (its own process_* and nodejs_* metrics).",
            type: 'timeseries',
            unit: 'bytes',
            targets: [
              { expr: sel('process_resident_memory_bytes'), legend: '{{instance}} resident' },
              { expr: sel('nodejs_heap_size_used_bytes'), legend: '{{instance}} heap used' },
            ],
          },
        ],
      },
    ],
  };
}

/** Checked keys and streams (series only with --collector.keys.check and --collector.streams.check). */
function keysRow(engine: RespEngine): DashboardSpec['rows'][number] {
  const t = defaultConfig.thresholds;
  const m = (metric: string, extra = '') => sel(`${engine.id}_${metric}`, extra);
  return {
    title: 'Checked keys and streams',
    panels: [
      {
        title: 'Largest checked keys',
        description: "Memory of the ten largest keys named by --collector.keys.check; the line is the big-key alert's threshold.",
        type: 'timeseries',
        unit: 'bytes',
        width: 8,
        thresholds: { warning: t.bigKeyBytes },
        targets: [{ expr: `topk(10, ${m('key_memory_usage_bytes')})`, legend: '{{instance}} {{db}} {{key}}' }],
      },
      {
        title: 'Stream consumer group lag',
        description: "Entries not yet delivered to each consumer group (--collector.streams.check); the line is the lag alert's threshold.",
        type: 'timeseries',
        unit: 'short',
        width: 8,
        thresholds: { warning: t.streamLagEntries },
        targets: [{ expr: m('stream_group_lag'), legend: '{{instance}} {{stream}} {{group}}' }],
      },
      {
        title: 'Oldest unacknowledged stream entry',
        description: "Age of the oldest entry delivered to each group and not acknowledged; the line is the stuck-entries alert's threshold.",
        type: 'timeseries',
        unit: 's',
        width: 8,
        thresholds: { warning: t.streamPendingSeconds },
        targets: [{ expr: `time() - ${m('stream_group_oldest_pending_timestamp_seconds')}`, legend: '{{instance}} {{stream}} {{group}}' }],
      },
    ],
  };
}

/** Cluster mode and Sentinel (series only from cluster nodes and from exporters pointed at a Sentinel). */
function clusterAndSentinelRow(engine: RespEngine): DashboardSpec['rows'][number] {
  const m = (metric: string, extra = '') => sel(`${engine.id}_${metric}`, extra);
  return {
    title: 'Cluster and Sentinel',
    panels: [
      {
        title: 'Cluster state',
        description: 'Per cluster node: whether it sees the cluster ok (every slot served).',
        type: 'timeseries',
        unit: 'bool_yes_no',
        width: 6,
        targets: [{ expr: m('cluster_state'), legend: '{{instance}}' }],
      },
      {
        title: 'Cluster slots failing',
        description: 'Slots whose node is failed or possibly failing, as each node sees them.',
        type: 'timeseries',
        unit: 'short',
        width: 6,
        targets: [
          { expr: m('cluster_slots_fail'), legend: '{{instance}} fail' },
          { expr: m('cluster_slots_pfail'), legend: '{{instance}} pfail' },
        ],
      },
      {
        title: 'Sentinel: masters not ok',
        description: 'Per Sentinel and master: 1 while the Sentinel sees the master subjectively (sdown) or objectively (odown) down.',
        type: 'timeseries',
        unit: 'short',
        width: 6,
        targets: [{ expr: `1 - ${m('sentinel_master_status')}`, legend: '{{instance}} {{master_name}} {{master_status}}' }],
      },
      {
        title: 'Sentinel: healthy Sentinels and replicas',
        description: 'Per master, as each Sentinel sees them: Sentinels and replicas up, and whether the quorum can be reached now.',
        type: 'timeseries',
        unit: 'short',
        width: 6,
        targets: [
          { expr: m('sentinel_master_ok_sentinels'), legend: '{{instance}} {{master_name}} sentinels' },
          { expr: m('sentinel_master_ok_slaves'), legend: '{{instance}} {{master_name}} replicas' },
          { expr: m('sentinel_master_ckquorum_ok'), legend: '{{instance}} {{master_name}} quorum reachable' },
        ],
      },
    ],
  };
}
