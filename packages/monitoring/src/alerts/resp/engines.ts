import type { AlertSpec } from '../../alert.ts';

/** What differs between the Redis-protocol engines: which signals exist. */
export interface RespEngine {
  /** Keys the engine's metric prefix and selector in the monitoring config. */
  readonly id: 'valkey' | 'redis' | 'dragonfly';
  readonly title: string;
  /** The command-line client a runbook tells the reader to try. */
  readonly cli: string;
  /** What the server needs before it reports latency percentiles at all (said in the latency runbook). */
  readonly latencyPrerequisite?: string;
  readonly rejectedConnections: boolean;
  /** Per-replica lag as bytes (offsets, Valkey) or as journal records (Dragonfly reports no per-replica offset). */
  readonly lagBytes: boolean;
  readonly lagRecords: boolean;
  readonly lagSeconds: boolean;
  readonly aof: boolean;
  readonly cluster: boolean;
  /**
   * Where the brute-force alert counts failed logins: `auth_failures_total`, or ACL LOG's `auth` entries when
   * the server's auth counter also counts commands sent before AUTH (a client without credentials is not a
   * password guess).
   */
  readonly failedLogins: 'auth_failures' | 'acl_log';
  /** Whether the server has protected mode and the DEBUG/MODULE switches the posture collector reads with CONFIG GET. */
  readonly protectedMode: boolean;
  /** Whether maxmemory can be 0 (no limit) and INFO reports the host's memory (total_system_memory). */
  readonly unlimitedMemory: boolean;
  /** Whether INFO reports the TLS certificates' expiry (Valkey 9.1+). */
  readonly certificateExpiry: boolean;
  /** Whether the exporter has the key and stream checks (--collector.keys.check, --collector.streams.check). */
  readonly keyChecks: boolean;
  /** Whether the exporter reads the save points (CONFIG save) that say the server snapshots on its own. */
  readonly savePoints: boolean;
  /** Whether the exporter reads a Sentinel (SENTINEL MASTERS and the rest) when pointed at one. */
  readonly sentinel: boolean;
  /** Log events (from --log.file) worth an alert, by alert suffix. */
  readonly logEvents: readonly { suffix: string; events: readonly string[]; severity: AlertSpec['severity']; what: string; action: string }[];
}

export const valkeyEngine: RespEngine = {
  id: 'valkey',
  title: 'Valkey',
  cli: 'valkey-cli',
  rejectedConnections: true,
  lagBytes: true,
  lagRecords: false,
  lagSeconds: true,
  aof: true,
  cluster: true,
  // acl_access_denied_auth (and Redis 7.0's WRONGPASS errorstat) counts failed AUTH and HELLO AUTH only.
  failedLogins: 'auth_failures',
  protectedMode: true,
  unlimitedMemory: true,
  certificateExpiry: true,
  keyChecks: true,
  sentinel: true,
  savePoints: true,
  logEvents: [
    {
      suffix: 'SecurityAttackLogged',
      events: ['security_attack'],
      severity: 'critical',
      what: 'logged a "Possible SECURITY ATTACK": something sent HTTP or another protocol to the database port (cross-protocol scripting)',
      action:
        'Find the source in the log line (the client address), check which network path lets browsers or proxies reach the port, and restrict it (bind, protected mode, firewall, NetworkPolicy).',
    },
    {
      suffix: 'OutOfMemoryLogged',
      events: ['oom'],
      severity: 'critical',
      what: 'logged an out-of-memory condition',
      action: 'Check maxmemory against the container limit and the host, the eviction policy, and the largest keys (`--bigkeys` from a replica).',
    },
    {
      suffix: 'SaveFailureLogged',
      events: ['save_failed', 'fork_failed', 'aof_write_error'],
      severity: 'warning',
      what: 'logged a failed background save, fork or AOF write',
      action: 'Check disk space and permissions of the data directory, and memory for fork (vm.overcommit_memory, container limit).',
    },
    {
      suffix: 'CrashLogged',
      events: ['crash'],
      severity: 'critical',
      what: 'logged a crash report',
      action: 'Keep the log around the crash report for the bug report; check that the process restarted and replicas resynchronised.',
    },
  ],
};

/** valkey-exporter run with `--namespace redis` (a redis_exporter drop-in), scraping Valkey or Redis. */
export const redisEngine: RespEngine = { ...valkeyEngine, id: 'redis', title: 'Redis', cli: 'redis-cli' };

export const dragonflyEngine: RespEngine = {
  id: 'dragonfly',
  title: 'Dragonfly',
  cli: 'redis-cli',
  // ABSL_FLAG(bool, latency_tracking, false, ...) in src/server/command_registry.cc at v1.40.0.
  latencyPrerequisite:
    'Dragonfly reports latency percentiles only when started with `--latency_tracking` (off by default): without it this alert can never fire, and `dragonfly_latency_percentiles_seconds` is absent.',
  rejectedConnections: false,
  lagBytes: false,
  lagRecords: true,
  lagSeconds: false,
  aof: false,
  cluster: false,
  // From 1.37.0 the no_auth error kind counts failed AUTH/HELLO and NOAUTH replies alike (main_service.cc
  // VerifyCommandState, server_family.cc Auth and Hello at v1.40.0); ServerFamily::Auth has written a failed
  // AUTH to ACL LOG (reason AUTH) since at least v1.20.0. A failed HELLO AUTH is in ACL LOG in no version.
  failedLogins: 'acl_log',
  protectedMode: false,
  // maxmemory defaults to 80% of the machine and INFO has no total_system_memory.
  unlimitedMemory: false,
  certificateExpiry: false,
  keyChecks: false,
  sentinel: false,
  savePoints: false,
  logEvents: [
    {
      suffix: 'CrashLogged',
      events: ['crash'],
      severity: 'critical',
      what: 'logged a failed CHECK or a fatal signal',
      action: 'Keep the log around the crash for the bug report; check that the process restarted and replicas resynchronised.',
    },
  ],
};
