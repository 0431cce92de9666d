import { type DashboardSpec, sel } from './model.ts';

const m = (metric: string, extra = '') => sel(`milvus_${metric}`, extra);
const rate = (metric: string, extra = '') => `rate(${m(metric, extra)}[$__rate_interval])`;

export const milvusDashboard: DashboardSpec = {
  uid: 'keepwatch-milvus',
  title: 'Milvus (keepwatch)',
  description: 'Milvus health, components, collections, indexes, quotas and access-log security signals from milvus-exporter.',
  tags: ['keepwatch', 'milvus'],
  variableMetric: 'milvus_up',
  rows: [
    {
      title: 'Health',
      panels: [
        {
          title: 'Up',
          description: 'Whether the exporter reaches the Milvus proxy (milvus_up).',
          type: 'stat',
          unit: 'bool_yes_no',
          width: 6,
          targets: [{ expr: m('up'), legend: '{{instance}}' }],
        },
        {
          title: 'Healthy',
          description: 'CheckHealth: whether Milvus reports itself healthy.',
          type: 'stat',
          unit: 'bool_yes_no',
          width: 6,
          targets: [{ expr: m('healthy'), legend: '{{instance}}' }],
        },
        {
          title: 'Unhealthy components',
          description: 'Components that report an error to their coordinator, by role.',
          type: 'timeseries',
          unit: 'short',
          width: 12,
          targets: [
            {
              expr: `count by (instance, role) (${m('component_healthy')} == 0) or sum by (instance, role) (${m('component_healthy')}) * 0`,
              legend: '{{instance}} {{role}}',
            },
          ],
        },
        {
          title: 'Component CPU',
          description: 'CPU usage of each component node, 0..1 of its cores.',
          type: 'timeseries',
          unit: 'percentunit',
          targets: [{ expr: m('component_cpu_usage_ratio'), legend: '{{role}} {{node_id}}' }],
        },
        {
          title: 'Component memory',
          description: 'Memory used by each component node.',
          type: 'timeseries',
          unit: 'bytes',
          targets: [{ expr: m('component_memory_used_bytes'), legend: '{{role}} {{node_id}}' }],
        },
        {
          title: 'Quota states',
          description: 'Active cluster quota states (DenyToWrite, DenyToRead, ...) and databases with writes force-denied.',
          type: 'timeseries',
          unit: 'short',
          width: 24,
          targets: [
            { expr: m('quota_state'), legend: '{{instance}} {{state}}' },
            { expr: m('database_force_deny_writing'), legend: '{{instance}} {{db}} deny writing' },
          ],
        },
      ],
    },
    {
      title: 'Data',
      panels: [
        {
          title: 'Collections per database',
          description: 'Collections in each database.',
          type: 'timeseries',
          unit: 'short',
          targets: [{ expr: m('database_collections'), legend: '{{instance}} {{db}}' }],
        },
        {
          title: 'Rows per collection',
          description: 'Rows in each exported collection (deleted rows included until compaction).',
          type: 'timeseries',
          unit: 'short',
          targets: [{ expr: m('collection_rows'), legend: '{{db}}.{{collection}}' }],
        },
        {
          title: 'Loading progress',
          description: 'Loading progress of each collection, 0..1; 1 when loaded, 0 when not loaded.',
          type: 'timeseries',
          unit: 'percentunit',
          targets: [{ expr: m('collection_loading_progress_ratio'), legend: '{{db}}.{{collection}}' }],
        },
        {
          title: 'Rows waiting for an index',
          description: 'Pending index rows per index; a growing line means indexing does not keep up.',
          type: 'timeseries',
          unit: 'short',
          targets: [{ expr: m('index_pending_rows'), legend: '{{db}}.{{collection}} {{index}}' }],
        },
      ],
    },
    {
      title: 'Access (from the access log)',
      panels: [
        {
          title: 'Requests per second by status',
          description: 'Requests in the proxy access log (--log.file), by status.',
          type: 'timeseries',
          unit: 'ops',
          targets: [{ expr: `sum by (instance, status) (${rate('access_requests_total')})`, legend: '{{instance}} {{status}}' }],
        },
        {
          title: 'Failed authentications by user',
          description: 'Requests rejected as unauthenticated, by the user name they claimed.',
          type: 'timeseries',
          unit: 'ops',
          targets: [{ expr: `sum by (instance, user) (${rate('access_auth_failures_total')})`, legend: '{{instance}} {{user}}' }],
        },
        {
          title: 'Permission denials by user',
          description: 'Requests rejected for a missing privilege, by user.',
          type: 'timeseries',
          unit: 'ops',
          targets: [{ expr: `sum by (instance, user) (${rate('access_permission_denied_total')})`, legend: '{{instance}} {{user}}' }],
        },
        {
          title: 'Rate-limited and quota-rejected requests',
          description: 'Requests rejected by the rate limiter (code 8) or a quota (code 9), by method.',
          type: 'timeseries',
          unit: 'ops',
          targets: [
            { expr: `sum by (instance, method) (${rate('access_rate_limited_total')})`, legend: '{{instance}} {{method}} rate limited' },
            { expr: `sum by (instance, method) (${rate('access_quota_rejected_total')})`, legend: '{{instance}} {{method}} quota' },
          ],
        },
      ],
    },
  ],
};
