import { counterField as counter, type FieldSpec, gaugeField as gauge, type IgnoredField } from './info/index.ts';

const status = { parse: 'status' } as const;
/** `<seconds>.<microseconds>` as the CPU fields print it. */
export const cpuSeconds = { parse: 'secondsMicros' } as const;

/**
 * INFO fields that Valkey, Redis and Dragonfly all print with the same meaning, by section. Each engine's
 * catalogue starts from these, so a metric shared by the engines is defined once and one alert serves all.
 */
export const commonFields = {
  server: [
    gauge('process_id', 'process_id', 'Process id of the server'),
    gauge('uptime_in_seconds', 'uptime_in_seconds', 'Seconds since the server started'),
    gauge('hz', 'hz', 'Current frequency of the server cron, in hertz'),
  ],
  clients: [
    gauge('connected_clients', 'connected_clients', 'Client connections (Valkey and Redis exclude replicas; Dragonfly counts their sync connections)'),
    gauge('blocked_clients', 'blocked_clients', 'Clients pending on a blocking call'),
  ],
  memory: [
    gauge('used_memory', 'memory_used_bytes', 'Memory allocated by the server allocator, in bytes'),
    gauge('used_memory_rss', 'memory_used_rss_bytes', 'Resident set size of the server process, in bytes'),
    gauge('used_memory_peak', 'memory_used_peak_bytes', 'Peak of used_memory, in bytes'),
    gauge('used_memory_lua', 'memory_used_lua_bytes', 'Memory used by the Lua engine, in bytes'),
    gauge('maxmemory', 'memory_max_bytes', 'Memory limit (maxmemory), in bytes; 0 means no limit'),
  ],
  persistence: [
    gauge('loading', 'loading_dump_file', 'Whether a dump file is being loaded: 1 yes, 0 no'),
    gauge('current_save_keys_processed', 'current_save_keys_processed', 'Keys processed by the running save'),
    gauge('current_save_keys_total', 'current_save_keys_expected', 'Keys the running save will process'),
    gauge('rdb_bgsave_in_progress', 'rdb_bgsave_in_progress', 'Whether a background save is running: 1 yes, 0 no'),
    gauge('rdb_last_bgsave_status', 'rdb_last_bgsave_status', 'Whether the last background save succeeded: 1 ok, 0 err', status),
  ],
  stats: [
    counter('total_connections_received', 'connections_received_total', 'Connections accepted (refused connections are not included)'),
    counter('total_commands_processed', 'commands_processed_total', 'Commands processed'),
    gauge('instantaneous_ops_per_sec', 'instantaneous_ops_per_second', 'Commands per second, as sampled by the server'),
    counter('total_net_input_bytes', 'net_input_bytes_total', 'Bytes read from the network'),
    counter('total_net_output_bytes', 'net_output_bytes_total', 'Bytes written to the network'),
    counter('expired_keys', 'expired_keys_total', 'Keys expired'),
    counter('evicted_keys', 'evicted_keys_total', 'Keys evicted because of maxmemory'),
    counter('keyspace_hits', 'keyspace_hits_total', 'Successful key lookups'),
    counter('keyspace_misses', 'keyspace_misses_total', 'Failed key lookups'),
    counter('total_reads_processed', 'reads_processed_total', 'Read events processed'),
    counter('total_writes_processed', 'writes_processed_total', 'Write events processed'),
  ],
  replication: [
    gauge('connected_slaves', 'connected_slaves', 'Replicas connected to this server'),
    gauge('master_last_io_seconds_ago', 'master_last_io_seconds_ago', 'Seconds since the last interaction with the primary; -1 without a link'),
    gauge('master_sync_in_progress', 'master_sync_in_progress', 'Whether the replica is syncing from the primary: 1 yes, 0 no'),
    gauge('slave_repl_offset', 'slave_repl_offset', 'Replication offset applied by this replica'),
    gauge('slave_priority', 'slave_priority', 'Replica priority for failover'),
    gauge('slave_read_only', 'slave_read_only', 'Whether the replica is read-only: 1 yes, 0 no'),
  ],
  cpu: [
    counter('used_cpu_sys', 'cpu_sys_seconds_total', 'System CPU time of the server', cpuSeconds),
    counter('used_cpu_user', 'cpu_user_seconds_total', 'User CPU time of the server', cpuSeconds),
    counter('used_cpu_sys_children', 'cpu_sys_children_seconds_total', 'System CPU time of background processes', cpuSeconds),
    counter('used_cpu_user_children', 'cpu_user_children_seconds_total', 'User CPU time of background processes', cpuSeconds),
  ],
  cluster: [gauge('cluster_enabled', 'cluster_enabled', 'Whether cluster mode is enabled: 1 yes, 0 no')],
} satisfies Record<string, FieldSpec[]>;

export const commonIgnored: IgnoredField[] = [
  { field: 'arch_bits', reason: 'build metadata, not a quantity' },
  { field: 'tcp_port', reason: 'label of instance_info' },
  { field: 'uptime_in_days', reason: 'same as uptime_in_seconds' },
  { field: 'master_port', reason: 'identifies the primary; not a quantity' },
  { field: 'master_replid', reason: 'replication id; not a quantity' },
];

/** Keys of record lines that dedicated collectors read, outside the structured sections (replicas, modules). */
export const commonStructured = [/^slave\d+$/, /^module$/];

/**
 * Sections whose every line is a record read by a dedicated collector (commands, errors, databases,
 * latency percentiles); on Dragonfly their keys are free text, so they are skipped by section, not by key.
 */
export const commonStructuredSections = ['commandstats', 'errorstats', 'keyspace', 'latencystats'];
