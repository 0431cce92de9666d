import { type AlertSpec, eventsWithin, selector, seriesSelector } from '../alert.ts';
import type { MonitoringConfig } from '../config.ts';

const node = { job: 'milvus', instance: 'm:9868' };

export function milvusAlerts(config: MonitoringConfig): AlertSpec[] {
  const prefix = config.prefixes.milvus;
  const m = (metric: string, extra = '') => selector(`${prefix}_${metric}`, config.selectors.milvus, extra);
  const series = (metric: string, labels: Record<string, string> = {}) => seriesSelector(`${prefix}_${metric}`, { ...node, ...labels });
  const t = config.thresholds;
  const w = config.windows;
  const docs = { db: 'default', collection: 'docs' };
  const index = { ...docs, index: 'embedding_idx', field: 'embedding' };
  return [
    {
      name: 'MilvusDown',
      severity: 'critical',
      expr: `${m('up')} == 0`,
      for: config.for.down,
      summary: 'Milvus does not answer its exporter.',
      description: '{{ $labels.instance }}: the exporter cannot reach the Milvus proxy (unreachable, credentials or timeout).',
      runbook: {
        meaning:
          'The exporter is scraped but its GetVersion call to the Milvus proxy failed: `milvus_up` is 0. The other Milvus alerts of this instance are inhibited meanwhile.',
        confirm:
          "The exporter log names the cause (`KW_ERR_TARGET_UNREACHABLE`, `KW_ERR_TARGET_AUTH`, `KW_ERR_TARGET_TIMEOUT`). Milvus' own `/healthz` on port 9091 tells whether its components are up.",
        action:
          'Unreachable: check the proxy pods and the service. Auth: check the exporter user and its password or token file. Timeout: the proxy is overloaded.',
      },
      cases: [
        {
          name: 'down',
          series: { [series('up')]: '1 1 0x5' },
          at: '5m',
          fires: [{ labels: node, description: 'm:9868: the exporter cannot reach the Milvus proxy (unreachable, credentials or timeout).' }],
        },
        { name: 'a blip', series: { [series('up')]: '1 0 1x5' }, at: '5m', fires: [] },
      ],
    },
    {
      name: 'MilvusUnhealthy',
      severity: 'critical',
      symptom: true,
      expr: `${m('healthy')} == 0`,
      for: config.for.unhealthy,
      summary: 'Milvus reports itself unhealthy.',
      description: `{{ $labels.instance }}: CheckHealth says unhealthy; ${prefix}_health_reason_info has the reasons.`,
      runbook: {
        meaning: 'CheckHealth returned isHealthy false: a coordinator or node is not healthy or time ticks lag. Requests may fail or stall.',
        confirm:
          "`milvus_health_reason_info` (the reasons), `milvus_component_healthy` (which node), Milvus' `/healthz` with `Content-Type: application/json`.",
        action: 'Restart or replace the failing component; check its dependencies (etcd, object storage, message queue).',
      },
      cases: [
        {
          name: 'unhealthy for 3 minutes',
          series: { [series('healthy')]: '1 0x4' },
          at: '4m',
          fires: [{ labels: node, description: `m:9868: CheckHealth says unhealthy; ${prefix}_health_reason_info has the reasons.` }],
        },
        { name: 'recovers within for', series: { [series('healthy')]: '1 0 1x3' }, at: '4m', fires: [] },
      ],
    },
    {
      name: 'MilvusComponentUnhealthy',
      severity: 'critical',
      symptom: true,
      expr: `${m('component_healthy')} == 0`,
      for: config.for.unhealthy,
      summary: 'A Milvus component does not answer its coordinator.',
      description: '{{ $labels.instance }}: {{ $labels.role }} {{ $labels.node_id }} reports an error in GetMetrics.',
      runbook: {
        meaning: 'A node appears in GetMetrics(system_info) with has_error: its coordinator could not get its metrics, so it is down or hung.',
        confirm: "The node's pod status and log; `milvus_components` by role against the expected count.",
        action: 'Restart the node; if query nodes are lost, check that collections reload (MilvusCollectionNotLoaded).',
      },
      cases: [
        {
          name: 'a query node failing',
          series: { [series('component_healthy', { role: 'querynode', node_id: '22' })]: '1 0x4' },
          at: '4m',
          fires: [{ labels: { ...node, role: 'querynode', node_id: '22' }, description: 'm:9868: querynode 22 reports an error in GetMetrics.' }],
        },
        { name: 'healthy', series: { [series('component_healthy', { role: 'querynode', node_id: '22' })]: '1x5' }, at: '4m', fires: [] },
      ],
    },
    {
      name: 'MilvusWritesDenied',
      severity: 'critical',
      symptom: true,
      expr: `${m('quota_state', 'state="DenyToWrite"')} == 1 or ${m('database_force_deny_writing')} == 1`,
      for: config.for.quota,
      summary: 'Milvus denies writes.',
      description: '{{ $labels.instance }}: writes are denied{{ with $labels.db }} to database {{ . }}{{ end }} by a quota or force-deny setting.',
      runbook: {
        meaning:
          'Inserts, upserts and deletes are rejected (code 9, "quota exceeded"): a cluster quota state DenyToWrite (memory or disk protection), or a database\'s database.force.deny.writing property.',
        confirm:
          "`milvus_quota_state`, `milvus_database_force_deny_writing`, Milvus' own `milvus_rootcoord_quota_states`; the access log's code 9 lines (`milvus_access_quota_rejected_total`).",
        action:
          'Memory or disk protection: add query/data nodes or storage, or drop data. A force-deny property: someone set it on purpose; clear it with alter_database_properties once the reason is gone.',
      },
      cases: [
        {
          name: 'a database set to deny writes',
          series: { [series('database_force_deny_writing', { db: 'analytics' })]: '0 1x4' },
          at: '4m',
          fires: [{ labels: { ...node, db: 'analytics' }, description: 'm:9868: writes are denied to database analytics by a quota or force-deny setting.' }],
        },
        {
          name: 'the cluster quota state',
          series: { [series('quota_state', { state: 'DenyToWrite' })]: '0 1x4' },
          at: '4m',
          fires: [{ labels: { ...node, state: 'DenyToWrite' }, description: 'm:9868: writes are denied by a quota or force-deny setting.' }],
        },
        { name: 'reads denied is another alert', series: { [series('quota_state', { state: 'DenyToRead' })]: '0 1x4' }, at: '4m', fires: [] },
      ],
    },
    {
      name: 'MilvusReadsDenied',
      severity: 'critical',
      symptom: true,
      expr: `${m('quota_state', 'state="DenyToRead"')} == 1 or ${m('database_force_deny_reading')} == 1`,
      for: config.for.quota,
      summary: 'Milvus denies reads.',
      description: '{{ $labels.instance }}: reads are denied{{ with $labels.db }} to database {{ . }}{{ end }} by a quota or force-deny setting.',
      runbook: {
        meaning: "Searches and queries are rejected: a cluster quota state DenyToRead, or a database's database.force.deny.reading property.",
        confirm: "`milvus_quota_state`, `milvus_database_force_deny_reading`, the access log's code 9 lines.",
        action: "Find who set the property or why the quota state is active (Milvus' quota metrics) and clear it.",
      },
      cases: [
        {
          name: 'a database set to deny reads',
          series: { [series('database_force_deny_reading', { db: 'analytics' })]: '0 1x4' },
          at: '4m',
          fires: [{ labels: { ...node, db: 'analytics' }, description: 'm:9868: reads are denied to database analytics by a quota or force-deny setting.' }],
        },
        { name: 'nothing denied', series: { [series('database_force_deny_reading', { db: 'analytics' })]: '0x5' }, at: '4m', fires: [] },
      ],
    },
    {
      name: 'MilvusIndexBacklogGrowing',
      severity: 'warning',
      symptom: true,
      expr: `${m('index_pending_rows')} > 0 and delta(${m('index_pending_rows')}[${w.indexBacklog}]) > 0`,
      for: config.for.indexBacklog,
      summary: 'Milvus indexing is not keeping up.',
      description:
        '{{ $labels.instance }}: {{ $labels.db }}.{{ $labels.collection }} index {{ $labels.index }} has {{ $value | printf "%.0f" }} pending rows and the backlog keeps growing.',
      runbook: {
        meaning: `Rows waiting to be indexed have grown over ${w.indexBacklog} for ${config.for.indexBacklog}: index nodes (or data nodes in 2.6) cannot keep up with inserts. Searches on unindexed segments are brute force and slow.`,
        confirm: "`milvus_index_pending_rows` over a day, Milvus' `milvus_datacoord_index_task_count` by state, index node CPU.",
        action: 'Add index nodes or CPU, or slow the ingest; check for failed index tasks (MilvusIndexBuildFailed).',
      },
      cases: [
        {
          name: 'pending rows growing for an hour',
          series: { [series('index_pending_rows', index)]: '0+1000x70' },
          at: '70m',
          fires: [
            { labels: { ...node, ...index }, description: 'm:9868: default.docs index embedding_idx has 70000 pending rows and the backlog keeps growing.' },
          ],
        },
        { name: 'a backlog being worked off', series: { [series('index_pending_rows', index)]: '70000-1000x70' }, at: '70m', fires: [] },
      ],
    },
    {
      name: 'MilvusIndexBuildFailed',
      severity: 'warning',
      symptom: true,
      expr: `${m('index_state', 'state="Failed"')} == 1`,
      for: '0m',
      summary: 'A Milvus index build failed.',
      description: '{{ $labels.instance }}: index {{ $labels.index }} of {{ $labels.db }}.{{ $labels.collection }} failed to build.',
      runbook: {
        meaning: 'DescribeIndex reports the index state Failed: searches fall back to brute force on the affected segments.',
        confirm: '`describe_index` in pymilvus shows index_state_fail_reason; index node logs.',
        action: 'Fix the cause (parameters, resources), then drop and recreate the index.',
      },
      cases: [
        {
          name: 'failed',
          series: { [series('index_state', { ...index, state: 'Failed' })]: '0 1x3' },
          at: '3m',
          fires: [{ labels: { ...node, ...index, state: 'Failed' }, description: 'm:9868: index embedding_idx of default.docs failed to build.' }],
        },
        { name: 'finished', series: { [series('index_state', { ...index, state: 'Failed' })]: '0x4' }, at: '3m', fires: [] },
      ],
    },
    {
      name: 'MilvusCollectionNotLoaded',
      severity: 'warning',
      symptom: true,
      expr: `max_over_time(${m('collection_load_state', `state="LoadStateLoaded", collection=~"${config.expectedLoadedCollections}"`)}[${w.loadedHistory}]) == 1 unless ${m('collection_load_state', 'state="LoadStateLoaded"')} == 1`,
      for: config.for.notLoaded,
      summary: 'A Milvus collection that was loaded is not loaded anymore.',
      description:
        '{{ $labels.instance }}: {{ $labels.db }}.{{ $labels.collection }} was loaded during the last ' +
        w.loadedHistory +
        ' and is not now; searches on it fail.',
      runbook: {
        meaning: `A collection (matching ${config.expectedLoadedCollections}) was loaded in the last ${w.loadedHistory} and has not been loaded for ${config.for.notLoaded}: released, or lost with its query nodes and not reloaded. Searches and queries on it fail with "collection not loaded".`,
        confirm: "`milvus_collection_load_state` and `milvus_collection_loading_progress_ratio`; the access log's code 101 errors.",
        action:
          'Reload it (load_collection); if query nodes were lost, check resource groups and replica counts. If it was released on purpose, narrow expectedLoadedCollections.',
      },
      cases: [
        {
          name: 'released after being loaded',
          series: { [series('collection_load_state', { ...docs, state: 'LoadStateLoaded' })]: '1x5 0x8' },
          at: '12m',
          fires: [
            {
              labels: { ...node, ...docs, state: 'LoadStateLoaded' },
              description: `m:9868: default.docs was loaded during the last ${w.loadedHistory} and is not now; searches on it fail.`,
            },
          ],
        },
        { name: 'never loaded', series: { [series('collection_load_state', { ...docs, state: 'LoadStateLoaded' })]: '0x13' }, at: '12m', fires: [] },
        {
          name: 'reloaded within for',
          series: { [series('collection_load_state', { ...docs, state: 'LoadStateLoaded' })]: '1x5 0x2 1x5' },
          at: '12m',
          fires: [],
        },
      ],
    },
    {
      name: 'MilvusAuthFailureBurst',
      severity: 'warning',
      expr: `sum without (user) ${eventsWithin(m('access_auth_failures_total'), w.burst)} > ${t.authFailures}`,
      for: config.for.burst,
      logEvents: { events: ['access_auth_failure'], window: w.burst, above: t.authFailures },
      summary: 'Milvus is rejecting many authentication attempts.',
      description: `{{ $labels.instance }}: {{ $value | printf "%.0f" }} requests failed authentication in ${w.burst} (access log).`,
      runbook: {
        meaning: `More than ${t.authFailures} requests were rejected as unauthenticated in ${w.burst}, counted from the proxy access log (the exporter's --log.file): password guessing, or a client with stale credentials.`,
        confirm: '`milvus_access_auth_failures_total` by user; the structured events (--log.events-output) carry the client address.',
        action: 'Unknown source: block it and check that 19530 is not exposed. Known application: fix its credentials. Rotate passwords that may have leaked.',
      },
      cases: [
        {
          name: 'guessing against two users',
          series: {
            [series('access_auth_failures_total', { user: 'root' })]: '0x4 4+4x10',
            [series('access_auth_failures_total', { user: 'admin' })]: '0x4 1+1x10',
          },
          at: '10m',
          fires: [{ labels: node, description: `m:9868: 25 requests failed authentication in ${w.burst} (access log).` }],
        },
        { name: 'a log rotation reset', series: { [series('access_auth_failures_total', { user: 'root' })]: '300x5 0 1x9' }, at: '14m', fires: [] },
      ],
    },
    {
      name: 'MilvusPermissionDenied',
      severity: 'warning',
      expr: `sum without () ${eventsWithin(m('access_permission_denied_total'), w.burst)} > 0`,
      for: '0m',
      logEvents: { events: ['access_permission_denied'], window: w.burst, above: 0, by: ['user'] },
      summary: 'Milvus denied requests for missing privileges.',
      description: `{{ $labels.instance }}: user {{ $labels.user }} was denied {{ $value | printf "%.0f" }} requests in ${w.burst}.`,
      runbook: {
        meaning:
          'An authenticated user called something its roles do not grant (access-log status GrpcPermissionDenied). The application changed, or the account is being misused.',
        confirm: 'The access log (or the structured events) shows the method and the privilege, e.g. PrivilegeDropCollection.',
        action: "A legitimate need: grant that privilege deliberately. Otherwise rotate the user's credentials and find the client.",
      },
      cases: [
        {
          name: 'a reader trying to drop a collection',
          series: { [series('access_permission_denied_total', { user: 'reader' })]: '0x4 1x4' },
          at: '6m',
          fires: [{ labels: { ...node, user: 'reader' }, description: `m:9868: user reader was denied 1 requests in ${w.burst}.` }],
        },
        {
          name: 'the first denial of a user (the exporter creates the series with it)',
          series: { [series('access_permission_denied_total', { user: 'bob' })]: '_x4 1x4' },
          at: '6m',
          fires: [{ labels: { ...node, user: 'bob' }, description: `m:9868: user bob was denied 1 requests in ${w.burst}.` }],
        },
        { name: 'none', series: { [series('access_permission_denied_total', { user: 'reader' })]: '2x8' }, at: '6m', fires: [] },
      ],
    },
    {
      name: 'MilvusRequestsRateLimited',
      severity: 'warning',
      expr: `sum without (method) ${eventsWithin(m('access_rate_limited_total'), w.burst)} > ${t.milvusRateLimited}`,
      for: config.for.burst,
      summary: 'Milvus is rate limiting requests.',
      description: `{{ $labels.instance }}: {{ $value | printf "%.0f" }} requests were rate limited in ${w.burst}.`,
      runbook: {
        meaning: `More than ${t.milvusRateLimited} requests were rejected by the rate limiter (code 8) in ${w.burst}: clients exceed quotaAndLimits rates (by default one Flush per collection every 10 s).`,
        confirm: '`milvus_access_rate_limited_total` by method; Milvus\' `milvus_proxy_rate_limit_req_count{status="fail"}`.',
        action: 'Fix the client (batch inserts, stop flushing after every insert) or raise the limit in quotaAndLimits.',
      },
      cases: [
        {
          name: 'flushes rate limited',
          series: { [series('access_rate_limited_total', { method: 'Flush' })]: '0x4 3+3x10' },
          at: '10m',
          fires: [{ labels: node, description: `m:9868: 15 requests were rate limited in ${w.burst}.` }],
        },
        { name: 'an occasional one', series: { [series('access_rate_limited_total', { method: 'Flush' })]: '0+1x14' }, at: '14m', fires: [] },
      ],
    },
  ];
}
