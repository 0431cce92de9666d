import { commonFields, commonIgnored, commonStructured, commonStructuredSections, cpuSeconds } from '@keepwatch/resp';
import { type Catalogue, counterField as counter, type FieldSpec, gaugeField as gauge, type IgnoredField } from '@keepwatch/resp/info';

const usec = { scale: 1e-6 } as const;
const msec = { scale: 1e-3 } as const;
const percent = { parse: 'percent' } as const;

/**
 * Every numeric field of Dragonfly's INFO ALL (v1.40, see reference/dragonfly.md section 2) that it does
 * not share with Valkey and Redis (those are `commonFields`, same names so one alert serves both).
 * Counters reset on restart and on CONFIG RESETSTAT.
 */
const server: FieldSpec[] = [...commonFields.server, gauge('thread_count', 'threads', 'I/O threads of the server')];

const clients: FieldSpec[] = [
  ...commonFields.clients,
  gauge('max_clients', 'max_clients', 'Maximum number of client connections (--maxclients)'),
  gauge('client_read_buffer_bytes', 'client_read_buffer_bytes', 'Capacity of all connection read buffers, in bytes'),
  gauge('pipeline_queue_length', 'pipeline_queue_length', 'Parsed commands waiting in connection pipelines'),
  gauge('send_delay_ms', 'send_delay_seconds', 'Age of the oldest socket write still pending, in seconds', msec),
  counter('timeout_disconnects', 'timeout_disconnects_total', 'Connections closed by the idle timeout'),
];

const memory: FieldSpec[] = [
  ...commonFields.memory,
  gauge('fibers_stack_vms', 'fibers_stack_vms_bytes', 'Virtual size of all fiber stacks, in bytes'),
  gauge('fibers_count', 'fibers', 'Worker fibers'),
  gauge('object_used_memory', 'memory_object_used_bytes', 'Heap bytes of values, all types'),
  gauge('table_used_memory', 'memory_table_used_bytes', 'Memory of the key index tables, in bytes'),
  gauge('prime_capacity', 'prime_capacity', 'Slot capacity of the prime tables'),
  gauge('num_entries', 'entries', 'Keys in all databases'),
  gauge('inline_keys', 'inline_keys', 'Keys stored inline in their table entry'),
  gauge('small_string_bytes', 'small_string_bytes', 'Bytes of small strings'),
  gauge('pipeline_cache_bytes', 'pipeline_cache_bytes', 'Cached pipeline command objects, in bytes'),
  gauge('dispatch_queue_bytes', 'dispatch_queue_bytes', 'Bytes queued for asynchronous dispatch'),
  gauge('pipeline_queue_bytes', 'pipeline_queue_bytes', 'Bytes of queued pipeline commands'),
  gauge('dispatch_queue_subscriber_bytes', 'dispatch_queue_subscriber_bytes', 'Pub/Sub messages queued to subscribers, in bytes'),
  gauge('dispatch_queue_peak_bytes', 'dispatch_queue_peak_bytes', 'Peak of dispatch_queue_bytes, in bytes'),
  gauge('client_read_buffer_peak_bytes', 'client_read_buffer_peak_bytes', 'Peak of client_read_buffer_bytes, in bytes'),
  gauge('tls_bytes', 'tls_bytes', 'Memory used by OpenSSL, in bytes'),
  gauge('snapshot_serialization_bytes', 'snapshot_serialization_bytes', 'Buffers of running snapshot or full-sync serialization, in bytes'),
  gauge('commands_squashing_replies_bytes', 'commands_squashing_replies_bytes', 'Buffered replies of squashed commands, in bytes'),
  gauge('psync_buffer_size', 'psync_buffer_entries', 'Entries in the partial-sync journal backlog'),
  gauge('psync_buffer_bytes', 'psync_buffer_bytes', 'Bytes of the partial-sync journal backlog (known to grow large: alert on it)'),
  gauge('replication_streaming_buffer_bytes', 'replication_streaming_buffer_bytes', 'Stable-sync streamer buffers on a primary, in bytes'),
  gauge('replication_full_sync_buffer_bytes', 'replication_full_sync_buffer_bytes', 'Full-sync buffers on a primary, in bytes'),
  gauge('save_buffer_bytes', 'save_buffer_bytes', 'Buffers of a running save, in bytes'),
];

const stats: FieldSpec[] = [
  ...commonFields.stats,
  counter('total_handshakes_started', 'tls_handshakes_started_total', 'TLS handshakes started'),
  counter('total_handshakes_completed', 'tls_handshakes_completed_total', 'TLS handshakes completed'),
  counter('total_pipelined_commands', 'pipelined_commands_total', 'Commands that arrived pipelined'),
  counter('pipeline_throttle_total', 'pipeline_throttle_total', 'Times a connection was throttled for pipeline memory'),
  counter('batch_read_commands_total', 'batch_read_commands_total', 'Read commands executed in batches'),
  counter('batch_write_commands_total', 'batch_write_commands_total', 'Write commands executed in batches'),
  counter('batch_read_commands_bytes', 'batch_read_commands_bytes_total', 'Bytes of read commands executed in batches'),
  counter('batch_write_commands_bytes', 'batch_write_commands_bytes_total', 'Bytes of write commands executed in batches'),
  counter('rw_throttle_batches_total', 'rw_throttle_batches_total', 'Throttled read/write batches'),
  counter('pipelined_latency_usec', 'pipelined_commands_duration_seconds_total', 'Time spent on pipelined commands, in seconds', usec),
  counter('connection_migrations', 'connection_migrations_total', 'Connections migrated between threads'),
  counter('connection_recv_provided_calls', 'connection_recv_provided_calls_total', 'io_uring provided-buffer receives'),
  counter('rdb_save_usec', 'rdb_save_duration_seconds_total', 'Time spent writing snapshot records, in seconds', usec),
  counter('rdb_save_count', 'rdb_save_records_total', 'Snapshot records written (not saves)'),
  counter('big_value_preemptions', 'big_value_preemptions_total', 'Serializer preemptions on big values'),
  counter('compressed_blobs', 'compressed_blobs_total', 'Compressed snapshot blobs'),
  counter('total_heartbeat_expired_keys', 'heartbeat_expired_keys_total', 'Keys expired by the background heartbeat'),
  counter('total_heartbeat_expired_bytes', 'heartbeat_expired_bytes_total', 'Bytes of keys expired by the background heartbeat'),
  counter('total_heartbeat_expired_calls', 'heartbeat_expiry_runs_total', 'Heartbeat expiry runs'),
  counter('hard_evictions', 'hard_evictions_total', 'Evictions performed while the memory budget was negative'),
  counter('garbage_checked', 'garbage_checked_total', 'Expired entries examined by table garbage collection'),
  counter('garbage_collected', 'garbage_collected_total', 'Expired entries removed by table garbage collection'),
  counter('bump_ups', 'bump_ups_total', 'Cache-mode bump-ups of hot entries'),
  counter('stash_unloaded', 'stash_unloaded_total', 'Stash-bucket entries moved back to regular buckets'),
  counter('oom_rejections', 'oom_rejections_total', 'Inserts and commands rejected because memory was full'),
  gauge('traverse_ttl_sec', 'traverse_ttl_per_second', 'Expire-table entries traversed per second'),
  gauge('delete_ttl_sec', 'delete_ttl_per_second', 'Expired entries deleted per second'),
  counter('keyspace_mutations', 'keyspace_mutations_total', 'Writes to keys'),
  counter('huffenc_attempt_total', 'huffman_encoding_attempts_total', 'Huffman key-encoding attempts'),
  counter('huffenc_success_total', 'huffman_encoding_successes_total', 'Successful huffman key encodings'),
  counter('defrag_attempt_total', 'defrag_attempts_total', 'Objects examined by defragmentation'),
  counter('defrag_realloc_total', 'defrag_reallocations_total', 'Objects moved by defragmentation'),
  counter('defrag_task_invocation_total', 'defrag_task_invocations_total', 'Defragmentation task runs'),
  counter('borrowed_strings_sent_total', 'borrowed_strings_sent_total', 'Zero-copy string replies'),
  gauge('blocked_on_interpreter', 'blocked_on_interpreter', 'Connections waiting for a Lua interpreter'),
  gauge('lua_interpreter_cnt', 'lua_interpreters', 'Lua interpreters'),
  counter('lua_blocked_total', 'lua_blocked_total', 'Waits for a Lua interpreter'),
  counter('lua_interpreter_return', 'lua_interpreter_returns_total', 'Lua interpreters returned'),
  counter('lua_force_gc_calls', 'lua_force_gc_calls_total', 'Forced Lua garbage collections'),
  counter('lua_gc_freed_memory_total', 'lua_gc_freed_bytes_total', 'Bytes freed by Lua garbage collection'),
  counter('lua_gc_duration_total_sec', 'lua_gc_duration_seconds_total', 'Time spent in Lua garbage collection, in seconds'),
  counter('total_journal_omits', 'journal_omits_total', 'Journal records omitted'),
];

const tiered: FieldSpec[] = [
  gauge('tiered_entries', 'tiered_entries', 'Entries offloaded to disk'),
  gauge('tiered_entries_bytes', 'tiered_entries_bytes', 'Bytes of entries offloaded to disk'),
  counter('tiered_total_stashes', 'tiered_stashes_total', 'Values written to disk'),
  counter('tiered_total_fetches', 'tiered_fetches_total', 'Values read from disk'),
  counter('tiered_total_cancels', 'tiered_cancels_total', 'Cancelled tiering operations'),
  counter('tiered_total_deletes', 'tiered_deletes_total', 'Values deleted from disk'),
  counter('tiered_total_uploads', 'tiered_uploads_total', 'Values moved back to memory'),
  counter('tiered_total_defrags', 'tiered_defrags_total', 'Tiered storage defragmentations'),
  counter('tiered_total_stash_overflows', 'tiered_stash_overflows_total', 'Stashes skipped because the write queue was full'),
  counter('tiered_heap_buf_allocations', 'tiered_heap_buffer_allocations_total', 'Heap buffer allocations for tiering'),
  counter('tiered_registered_buf_allocations', 'tiered_registered_buffer_allocations_total', 'Registered buffer allocations for tiering'),
  gauge('tiered_allocated_bytes', 'tiered_allocated_bytes', 'Disk bytes in use by tiered storage'),
  gauge('tiered_capacity_bytes', 'tiered_capacity_bytes', 'Size of the tiered storage backing file, in bytes'),
  gauge('tiered_pending_read_cnt', 'tiered_pending_reads', 'Pending tiered reads'),
  gauge('tiered_pending_stash_cnt', 'tiered_pending_stashes', 'Pending tiered writes'),
  gauge('tiered_pending_stash_bytes', 'tiered_pending_stash_bytes', 'Bytes of pending tiered writes'),
  gauge('tiered_small_bins_cnt', 'tiered_small_bins', 'Small-value bins'),
  gauge('tiered_small_bins_entries_cnt', 'tiered_small_bins_entries', 'Entries in small-value bins'),
  gauge('tiered_small_bins_filling_bytes', 'tiered_small_bins_filling_bytes', 'Bytes of small-value bins being filled'),
  gauge('tiered_cold_storage_bytes', 'tiered_cold_storage_bytes', 'Bytes in the cooling layer'),
  counter('tiered_offloading_steps', 'tiered_offloading_steps_total', 'Offloading steps'),
  counter('tiered_offloading_stashes', 'tiered_offloading_stashes_total', 'Values stashed by offloading'),
  counter('tiered_ram_hits', 'tiered_ram_hits_total', 'Reads served from memory'),
  counter('tiered_ram_cool_hits', 'tiered_ram_cool_hits_total', 'Reads served from the cooling layer'),
  counter('tiered_ram_misses', 'tiered_ram_misses_total', 'Reads that went to disk'),
  gauge('tiered_clients_throttled', 'tiered_clients_throttled', 'Clients throttled by tiering now'),
  counter('tiered_total_clients_throttled', 'tiered_clients_throttled_total', 'Client throttlings by tiering'),
];

const persistence: FieldSpec[] = [
  ...commonFields.persistence,
  gauge('current_snapshot_perc', 'current_snapshot_progress_ratio', 'Progress of the running save, as a ratio', percent),
  gauge('last_success_save', 'rdb_last_save_timestamp_seconds', 'Unix time of the last successful save; 0 if never'),
  gauge('last_success_save_duration_sec', 'last_success_save_duration_seconds', 'Duration of the last successful save, in seconds'),
  gauge('saving', 'saving', 'Whether a save is running: 1 yes, 0 no'),
  gauge('current_save_duration_sec', 'current_save_duration_seconds', 'Time the running save has taken so far, in seconds'),
  gauge('rdb_changes_since_last_success_save', 'rdb_changes_since_last_save', 'Changes since the last successful save'),
  gauge('last_failed_save', 'last_failed_save_timestamp_seconds', 'Unix time of the last failed save; 0 if never'),
  gauge('last_failed_save_duration_sec', 'last_failed_save_duration_seconds', 'Duration of the last failed save, in seconds'),
];

const transaction: FieldSpec[] = [
  counter('tx_shard_polls', 'tx_shard_polls_total', 'Shard transaction-queue polls'),
  counter('tx_shard_optimistic_total', 'tx_shard_optimistic_total', 'Transactions run during scheduling'),
  counter('tx_shard_ooo_total', 'tx_shard_out_of_order_total', 'Transactions run out of order'),
  counter('tx_global_total', 'tx_global_total', 'Global transactions (FLUSHALL, SAVE, ...)'),
  counter('tx_normal_total', 'tx_normal_total', 'Normal transactions'),
  counter('tx_inline_runs_total', 'tx_inline_runs_total', 'Transactions run inline'),
  counter('tx_schedule_cancel_total', 'tx_schedule_cancels_total', 'Cancelled transaction schedulings'),
  gauge('tx_queue_len', 'tx_queue_length', 'Longest transaction queue over shards'),
  counter('eval_io_coordination_total', 'eval_io_coordination_total', 'Scripts coordinated on the I/O thread'),
  counter('eval_shardlocal_coordination_total', 'eval_shardlocal_coordination_total', 'Scripts coordinated shard-locally'),
  counter('eval_squashed_flushes', 'eval_squashed_flushes_total', 'Squashed flushes of scripts'),
];

const replication: FieldSpec[] = [
  ...commonFields.replication,
  counter('psync_attempts', 'psync_attempts_total', 'Partial resynchronisation attempts of this replica (counted twice per attempt by the server)'),
  counter('psync_successes', 'psync_successes_total', 'Successful partial resynchronisations of this replica'),
];

const search: FieldSpec[] = [
  gauge('search_memory', 'search_memory_bytes', 'Memory of search indices, in bytes'),
  gauge('search_num_indices', 'search_indices', 'Search indices'),
  gauge('search_num_entries', 'search_entries', 'Documents indexed'),
];

const cluster: FieldSpec[] = [
  ...commonFields.cluster,
  gauge('migration_errors_total', 'migration_errors', 'Slot migration errors'),
  counter('total_migrated_keys', 'migrated_keys_total', 'Keys migrated between cluster nodes'),
];

const acl: FieldSpec[] = [
  gauge('acl_num_users', 'acl_users', 'ACL users'),
  gauge('acl_num_passwords', 'acl_passwords', 'Passwords over all ACL users'),
  gauge('acl_num_cat_changes', 'acl_category_rules', 'Category rules over all ACL users'),
  gauge('acl_num_cmd_changes', 'acl_command_rules', 'Command rules over all ACL users'),
  gauge('acl_num_key_globs', 'acl_key_globs', 'Key patterns over all ACL users'),
  gauge('acl_key_globs_bytes', 'acl_key_globs_bytes', 'Bytes of key patterns'),
  gauge('acl_num_pubsub_globs', 'acl_pubsub_globs', 'Channel patterns over all ACL users'),
  gauge('acl_pubsub_globs_bytes', 'acl_pubsub_globs_bytes', 'Bytes of channel patterns'),
  gauge('acl_total_bytes', 'acl_bytes', 'Estimated bytes of the ACL registry'),
];

const ignored: IgnoredField[] = [
  ...commonIgnored,
  { field: 'used_memory_peak_rss', reason: 'Dragonfly 1.32+ prints the heap peak here, the same value as used_memory_peak' },
  { field: 'instantaneous_input_kbps', reason: 'always -1 (not implemented)' },
  { field: 'instantaneous_output_kbps', reason: 'always -1 (not implemented)' },
  { field: 'rejected_connections', reason: 'always -1 (not implemented); Dragonfly /metrics has listener_accept_error_total' },
];

/**
 * getrusage(RUSAGE_THREAD) of whichever thread serves the INFO (ServerFamily::Info, src/server/server_family.cc
 * at v1.40.0): another thread after a reconnect, so the value can go down. Gauges, not counters.
 */
const cpu: FieldSpec[] = [
  gauge(
    'used_cpu_sys_main_thread',
    'cpu_sys_serving_thread_seconds',
    'System CPU time of the thread serving the exporter (changes with the connection)',
    cpuSeconds,
  ),
  gauge(
    'used_cpu_user_main_thread',
    'cpu_user_serving_thread_seconds',
    'User CPU time of the thread serving the exporter (changes with the connection)',
    cpuSeconds,
  ),
];

export const dragonflyCatalogue: Catalogue = {
  fields: [
    ...server,
    ...clients,
    ...memory,
    ...stats,
    ...tiered,
    ...persistence,
    ...transaction,
    ...replication,
    ...search,
    ...commonFields.cpu,
    ...cpu,
    ...cluster,
    ...acl,
  ],
  ignored,
  structured: [...commonStructured, /^type_used_memory_/, /^rdb_(string|list|set|zset|hash|stream|other)$/],
  structuredSections: commonStructuredSections,
};
