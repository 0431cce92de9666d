/**
 * Every family redis_exporter 1.69 exports from Valkey 8.0 to 9.1 and Redis 7.0 and 8.0 whose name or type
 * valkey-exporter does not share under `--namespace redis`, and why. Families not listed here are exported
 * under the same name with the same type; packages/valkey-exporter/test/redis-exporter-parity.test.ts checks
 * both against the real redis_exporter and real servers, and the README's comparison is generated from this.
 * Keys are family names without the `redis_` prefix, except the Go runtime and process families.
 */
export type ParityAnswer =
  | { readonly renamed: string; readonly why: string }
  | { readonly typed: 'counter'; readonly why: string }
  | { readonly leftOut: string };

const seconds = 'seconds, the base unit, instead of the unit in the name';
const counterName = 'a counter, named with `_total`; redis_exporter types it a gauge';
const gaugeName = 'a gauge of current keys: `total_` in the name would read as a counter';
const totalSuffix = 'a counter, so it ends in `_total`';
const streamId = "the time in the entry id as a Unix time in seconds; redis_exporter exports the id's milliseconds under the id's name";
const goExtras = "Go client library extras; keepwatch's process metrics are CPU, resident memory, file descriptors and start time";

export const redisExporterParity: Readonly<Record<string, ParityAnswer>> = {
  aof_current_rewrite_duration_sec: { renamed: 'aof_current_rewrite_duration_seconds', why: seconds },
  aof_last_rewrite_duration_sec: { renamed: 'aof_last_rewrite_duration_seconds', why: seconds },
  rdb_current_bgsave_duration_sec: { renamed: 'rdb_current_bgsave_duration_seconds', why: seconds },
  rdb_last_bgsave_duration_sec: { renamed: 'rdb_last_bgsave_duration_seconds', why: seconds },
  current_eviction_exceeded_time_ms: { renamed: 'current_eviction_exceeded_time_seconds', why: seconds },
  eviction_exceeded_time_ms_total: { renamed: 'eviction_exceeded_time_seconds_total', why: seconds },
  expire_cycle_cpu_time_ms_total: { renamed: 'expire_cycle_cpu_seconds_total', why: seconds },
  expired_stale_percentage: { renamed: 'expired_stale_ratio', why: 'a ratio from 0 to 1, as Prometheus ratios are' },
  latency_percentiles_usec: { renamed: 'latency_percentiles_seconds', why: `${seconds}; quantiles 0.5, 0.99, 0.999 as Prometheus writes them` },
  latency_spike_last: { renamed: 'latency_spike_last_timestamp_seconds', why: 'a Unix time, named as one' },
  defrag_hits: { renamed: 'defrag_hits_total', why: counterName },
  defrag_misses: { renamed: 'defrag_misses_total', why: counterName },
  defrag_key_hits: { renamed: 'defrag_key_hits_total', why: counterName },
  defrag_key_misses: { renamed: 'defrag_key_misses_total', why: counterName },
  dump_payload_sanitizations: { renamed: 'dump_payload_sanitizations_total', why: totalSuffix },
  io_threaded_reads_processed: { renamed: 'io_threaded_reads_processed_total', why: totalSuffix },
  io_threaded_writes_processed: { renamed: 'io_threaded_writes_processed_total', why: totalSuffix },
  replica_partial_resync_accepted: { renamed: 'replica_partial_resync_accepted_total', why: counterName },
  replica_partial_resync_denied: { renamed: 'replica_partial_resync_denied_total', why: counterName },
  replica_resyncs_full: { renamed: 'replica_resyncs_full_total', why: counterName },
  total_error_replies: { renamed: 'error_replies_total', why: totalSuffix },
  unexpected_error_replies: { renamed: 'unexpected_error_replies_total', why: totalSuffix },
  total_reads_processed: { renamed: 'reads_processed_total', why: totalSuffix },
  total_writes_processed: { renamed: 'writes_processed_total', why: totalSuffix },
  total_blocking_keys: { renamed: 'blocking_keys', why: gaugeName },
  total_blocking_keys_on_nokey: { renamed: 'blocking_keys_on_nokey', why: gaugeName },
  total_watched_keys: { renamed: 'watched_keys', why: gaugeName },
  tracking_total_items: { renamed: 'tracking_items', why: gaugeName },
  tracking_total_keys: { renamed: 'tracking_keys', why: gaugeName },
  tracking_total_prefixes: { renamed: 'tracking_prefixes', why: gaugeName },
  migrate_cached_sockets_total: { renamed: 'migrate_cached_sockets', why: 'sockets open now: a gauge, so no `_total`' },
  mem_clients_normal: { renamed: 'mem_clients_normal_bytes', why: 'the unit in the name' },
  mem_clients_slaves: { renamed: 'mem_clients_slaves_bytes', why: 'the unit in the name' },
  memory_used_vm_total: { renamed: 'memory_used_vm_total_bytes', why: 'the unit in the name' },
  module_fork_last_cow_size: { renamed: 'module_fork_last_cow_size_bytes', why: 'the unit in the name' },
  config_maxmemory: { renamed: 'memory_max_bytes', why: 'read from INFO `maxmemory`, which needs no CONFIG GET' },
  config_maxclients: { renamed: 'max_clients', why: 'read from INFO `maxclients`, which needs no CONFIG GET' },
  exporter_last_scrape_connect_time_seconds: {
    renamed: 'exporter_last_connect_duration_seconds',
    why: 'keepwatch keeps one connection and reconnects only when it drops, so this is per connection, not per scrape',
  },
  rdb_saves_total: { typed: 'counter', why: 'a count of saves since start; redis_exporter types it a gauge, which `promtool check metrics` flags' },
  db_keys_cached: {
    leftOut:
      "redis_exporter 1.69 takes a keyspace line's fourth field by position as `cached_keys` (exporter/info.go parseDBKeyspaceString), so on Redis 7.4+ and Valkey 9 it exports `subexpiry` or `keys_with_volatile_items` under this name. keepwatch reads the fields by name: `db_keys_with_expiring_fields`, `db_keys_with_volatile_items`.",
  },
  start_time_seconds: { leftOut: 'computed by redis_exporter from uptime; `uptime_in_seconds` and `server_time_seconds` give it in a query' },
  exporter_last_scrape_error: { leftOut: 'the error text as a label value has no bound; `up` says it failed and the log line says why' },
  exporter_scrapes_total: { leftOut: '`exporter_scrape_duration_seconds_count` counts the same scrapes' },
  target_scrape_request_errors_total: { leftOut: 'refused /scrape requests are `exporter_http_requests_refused_total{reason}`' },
  commands_latencies_usec: {
    renamed: 'commands_latencies_seconds',
    why: `${seconds}; on every fourth power-of-two bound (1 µs to 1 s) on every instance, where redis_exporter lists the buckets each server happens to have, so it sums across instances`,
  },
  last_key_groups_scrape_duration_milliseconds: {
    leftOut: 'a key-group pass spans scrapes within the scan budget; `key_groups_scan_passes_total` counts finished passes',
  },
  sentinel_master_ckquorum_status: {
    renamed: 'sentinel_master_ckquorum_ok',
    why: "labelled by master address instead of CKQUORUM's error text, whose words are no label value",
  },
  sentinel_master_setting_down_after_milliseconds: { renamed: 'sentinel_master_setting_down_after_seconds', why: seconds },
  sentinel_master_setting_failover_timeout: {
    renamed: 'sentinel_master_setting_failover_timeout_seconds',
    why: 'in seconds, the base unit, with the unit in the name',
  },
  stream_first_entry_id: { renamed: 'stream_first_entry_timestamp_seconds', why: streamId },
  stream_last_entry_id: { renamed: 'stream_last_entry_timestamp_seconds', why: streamId },
  stream_last_generated_id: { renamed: 'stream_last_generated_timestamp_seconds', why: streamId },
  stream_max_deleted_entry_id: { renamed: 'stream_max_deleted_entry_timestamp_seconds', why: streamId },
  stream_group_last_delivered_id: { renamed: 'stream_group_last_delivered_timestamp_seconds', why: streamId },
  stream_group_entries_read: { renamed: 'stream_group_entries_read_total', why: counterName },
  'go_*': { leftOut: "redis_exporter's Go runtime; keepwatch runs on Node and reports `process_*` and `nodejs_*` on its telemetry path" },
  process_network_receive_bytes_total: {
    leftOut: goExtras,
  },
  process_network_transmit_bytes_total: {
    leftOut: goExtras,
  },
  process_virtual_memory_bytes: { leftOut: goExtras },
  process_virtual_memory_max_bytes: {
    leftOut: goExtras,
  },
};

/** The parity entry for a full family name as redis_exporter writes it (`redis_...`, `go_...`, `process_...`). */
export function parityOf(family: string): ParityAnswer | undefined {
  if (family.startsWith('go_')) return redisExporterParity['go_*'];
  return redisExporterParity[family.startsWith('redis_') ? family.slice('redis_'.length) : family];
}

/** What valkey-exporter offers for each of redis_exporter 1.69's flags (`prometheus-redis-exporter --help`). */
export type FlagAnswer = { readonly flag: string; readonly note?: string } | { readonly leftOut: string };

const clientList =
  'one series per client address and name has no bound, and the address list is data about who connects; `connected_clients`, `connections_received_total` and the connection alerts cover floods';
const webConfig = { flag: 'web.config.file', note: 'TLS, client certificates and bcrypt basic auth in one exporter-toolkit web config file' };

export const redisExporterFlags: Readonly<Record<string, FlagAnswer>> = {
  'redis.addr': { flag: 'valkey.addr', note: 'REDIS_ADDR is read too' },
  'redis.user': { flag: 'valkey.user', note: 'REDIS_USER is read too' },
  'redis.password': { leftOut: 'a password on the command line is visible to every local user in the process list; REDIS_PASSWORD is read' },
  'redis.password-file': {
    flag: 'valkey.password-file',
    note: "a plain file; REDIS_PASSWORD_FILE is read as redis_exporter's JSON map of address to password",
  },
  namespace: { flag: 'namespace', note: "default `valkey`; `redis` keeps redis_exporter's names" },
  'web.listen-address': { flag: 'web.listen-address' },
  'web.telemetry-path': { flag: 'web.telemetry-path' },
  'log-format': { flag: 'log.format', note: '`logfmt` or `json`' },
  debug: { flag: 'log.level', note: '`--log.level debug`' },
  version: { flag: 'version' },
  'config-command': { flag: 'valkey.config-command' },
  'connection-timeout': { leftOut: "each scrape has one deadline from Prometheus' scrape timeout (X-Prometheus-Scrape-Timeout-Seconds), connection included" },
  'skip-tls-verification': { flag: 'valkey.tls.insecure-skip-verify' },
  'tls-ca-cert-file': { flag: 'valkey.tls.ca-file' },
  'tls-client-cert-file': { flag: 'valkey.tls.cert-file' },
  'tls-client-key-file': { flag: 'valkey.tls.key-file' },
  'tls-server-cert-file': webConfig,
  'tls-server-key-file': webConfig,
  'tls-server-ca-cert-file': webConfig,
  'tls-server-min-version': webConfig,
  'basic-auth-username': webConfig,
  'basic-auth-password': { leftOut: 'a password on the command line; the web config file holds a bcrypt hash instead' },
  'set-client-name': { leftOut: 'the exporter always names its connection `keepwatch-valkey-exporter`, so CLIENT LIST shows it' },
  'ping-on-connect': { leftOut: 'every connection is checked with INFO before it is used' },
  'redis-only-metrics': { leftOut: 'there are no Go runtime metrics; process and Node.js metrics stay on /metrics' },
  'include-system-metrics': { leftOut: '`total_system_memory_bytes` is always exported' },
  'include-config-metrics': {
    leftOut: 'CONFIG GET * would bring requirepass and masterauth into the exporter; the `config` collector reads its settings by name',
  },
  'redact-config-metrics': { leftOut: 'nothing secret is read, so nothing needs redacting' },
  'exclude-latency-histogram-metrics': { flag: 'no-collector.latency-histogram' },
  'export-client-list': { leftOut: clientList },
  'export-client-port': { leftOut: clientList },
  'include-modules-metrics': { flag: 'collector.modules', note: 'module_info and the RediSearch search_* fields, milliseconds as seconds' },
  'is-cluster': {
    flag: 'scrape.config-file',
    note: 'a targets-file entry with `cluster: true` serves /discover-cluster-nodes (http_sd with role, shard and health) and lets /scrape reach the nodes it lists',
  },
  'is-tile38': { leftOut: 'Tile38 is not a Valkey or Redis server' },
  script: { leftOut: 'an exporter that can run EVAL holds a remote code execution grant on the server; its least-privilege user has none' },
  'check-keys': {
    flag: 'collector.keys.check',
    note: 'SCAN resumes across scrapes within `--collector.keys.scan-budget`; REDIS_EXPORTER_CHECK_KEYS is read too',
  },
  'check-single-keys': { flag: 'collector.keys.check-single', note: 'a missing key reads as size 0' },
  'check-key-groups': { flag: 'collector.key-groups.patterns', note: 'the same Lua patterns, matched in the exporter: no EVAL on the server' },
  'max-distinct-key-groups': { flag: 'collector.key-groups.max-groups' },
  'check-keys-batch-size': { flag: 'collector.keys.scan-count' },
  'count-keys': { flag: 'collector.keys.count' },
  'disable-exporting-key-values': {
    flag: 'collector.keys.export-values',
    note: 'inverted: values are off unless asked (they can be secrets), and only strings up to 128 bytes are read',
  },
  'check-streams': { flag: 'collector.streams.check', note: 'patterns SCAN with TYPE stream' },
  'check-single-streams': { flag: 'collector.streams.check-single' },
  'streams-exclude-consumer-metrics': { flag: 'collector.streams.exclude-consumers' },
};
