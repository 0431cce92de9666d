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
