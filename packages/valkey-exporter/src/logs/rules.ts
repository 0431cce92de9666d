import type { ClassificationRule } from '@keepwatch/core/logs';

/** `(PRIMARY|MASTER)`: Valkey 8 renamed every replication message; Redis 7.0 says MASTER. */
const primary = '(?:PRIMARY|MASTER|primary|master)';
const client = 'addr=(?<client>[^ ]+)';

/**
 * What the Valkey/Redis log says that metrics cannot, as events. Most specific first: the first rule that
 * matches names the event. Wording from Valkey 8.0.1 and Redis 7.0.15 sources (reference/valkey.md §6).
 */
export const valkeyLogRules: readonly ClassificationRule[] = [
  // Valkey 8 names the peer; Redis 7.0 says only "Connection aborted.".
  {
    event: 'security_attack',
    severity: 'critical',
    pattern: /^Possible SECURITY ATTACK detected.*?(?:Connection from (?<client>\S+) aborted\.)?$/,
    fields: ['client'],
  },
  { event: 'crash', severity: 'critical', pattern: /crashed by signal|=== ASSERTION FAILED ===|BUG REPORT START|Killed by PID/ },
  { event: 'oom', severity: 'critical', pattern: /^Out Of Memory allocating (?<bytes>\d+) bytes/, fields: ['bytes'] },
  { event: 'acl_load_error', severity: 'critical', pattern: /Error loading ACL rule|Critical error while loading ACLs|startup because of ACL errors/ },
  { event: 'fork_failed', severity: 'critical', pattern: /Can't save in background: fork|Can't rewrite append only file in background: fork/ },
  {
    event: 'save_failed',
    severity: 'critical',
    pattern: /^Background saving error|^Background saving terminated by signal|^Failed opening the temp RDB file|^Write error while saving DB/,
  },
  {
    event: 'aof_write_error',
    severity: 'critical',
    pattern: /Write error writing append only file|Background AOF rewrite terminated (?:with error|by signal)|Error writing to the AOF file/,
  },
  {
    event: 'output_buffer_limit_closed',
    severity: 'warning',
    pattern: new RegExp(`^Client .*${client}.* (?:closed|scheduled to be closed ASAP) for overcoming of output buffer limits`),
    fields: ['client'],
  },
  {
    event: 'query_buffer_limit_closed',
    severity: 'warning',
    pattern: new RegExp(`^Closing client that reached max query buffer length: .*${client}`),
    fields: ['client'],
  },
  { event: 'client_evicted', severity: 'warning', pattern: new RegExp(`^Evicting client: .*${client}`), fields: ['client'] },
  { event: 'shutdown_requested', severity: 'warning', pattern: /^User requested shutdown|^Received SIG(?:TERM|INT) scheduling shutdown/ },
  {
    event: 'replicaof_changed',
    severity: 'warning',
    pattern: new RegExp(`^REPLICAOF (?<primary>\\S+) enabled|^${primary} MODE enabled`),
    fields: ['primary'],
  },
  {
    event: 'replication_link_lost',
    severity: 'warning',
    pattern: new RegExp(`^Connection with ${primary} lost|^${primary} timeout: no data nor PING received`),
  },
  {
    event: 'replication_sync_failed',
    severity: 'warning',
    pattern: new RegExp(
      `^Timeout connecting to the ${primary}|^Unable to AUTH to ${primary}|^BGSAVE for replication failed|^Timeout receiving bulk data from ${primary}|^Error condition on socket for SYNC`,
    ),
  },
  { event: 'replication_sync_started', severity: 'info', pattern: new RegExp(`^${primary} <-> REPLICA sync started`) },
  {
    event: 'replication_sync_succeeded',
    severity: 'info',
    pattern: new RegExp(`^${primary} <-> REPLICA sync: Finished with success|^Successful partial resynchronization with ${primary}`),
  },
  {
    event: 'maxclients_reduced',
    severity: 'warning',
    pattern: /maxclients has been reduced to|^You requested maxclients of \d+ requiring|^Server can't set maximum open files/,
  },
];
