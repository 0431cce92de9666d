import { type AlertSpec, eventsWithin, selector, seriesSelector } from '../alert.ts';
import type { MonitoringConfig } from '../config.ts';

/** What differs between the Redis-protocol engines: which signals exist. */
export interface RespEngine {
  readonly namespace: 'valkey' | 'dragonfly';
  readonly title: 'Valkey' | 'Dragonfly';
  readonly rejectedConnections: boolean;
  /** Per-replica lag as bytes (offsets, Valkey) or as journal records (Dragonfly reports no per-replica offset). */
  readonly lagBytes: boolean;
  readonly lagRecords: boolean;
  readonly lagSeconds: boolean;
  readonly aof: boolean;
  readonly cluster: boolean;
  /** Log events (from --log.file) worth an alert, by alert suffix. */
  readonly logEvents: readonly { suffix: string; events: readonly string[]; severity: AlertSpec['severity']; what: string; action: string }[];
}

export const valkeyEngine: RespEngine = {
  namespace: 'valkey',
  title: 'Valkey',
  rejectedConnections: true,
  lagBytes: true,
  lagRecords: false,
  lagSeconds: true,
  aof: true,
  cluster: true,
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

export const dragonflyEngine: RespEngine = {
  namespace: 'dragonfly',
  title: 'Dragonfly',
  rejectedConnections: false,
  lagBytes: false,
  lagRecords: true,
  lagSeconds: false,
  aof: false,
  cluster: false,
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

const node = { job: 'db', instance: 'a:9866' };

/** The alerts of one Redis-protocol engine. Every threshold and duration comes from `config`. */
export function respAlerts(engine: RespEngine, config: MonitoringConfig): AlertSpec[] {
  const { namespace: ns, title } = engine;
  const m = (metric: string, extra = '') => selector(`${ns}_${metric}`, config.selectors[ns], extra);
  const s = (metric: string, labels: Record<string, string> = node) => seriesSelector(`${ns}_${metric}`, labels);
  const t = config.thresholds;
  const w = config.windows;
  const group = config.replicationGroupLabels.join(', ');
  const alerts: AlertSpec[] = [
    {
      name: `${title}Down`,
      severity: 'critical',
      expr: `${m('up')} == 0`,
      for: config.for.down,
      summary: `${title} does not answer its exporter.`,
      description: `{{ $labels.instance }}: the exporter cannot read ${title} (connection refused, wrong credentials or timeout).`,
      runbook: {
        meaning: `The exporter is running and scraped, but its connection to ${title} failed: \`${ns}_up\` is 0. Every other ${title} alert of this instance is inhibited meanwhile.`,
        confirm: `Read the exporter's log: each failed scrape logs one line with a code (\`KW_ERR_TARGET_UNREACHABLE\`, \`KW_ERR_TARGET_AUTH\`, \`KW_ERR_TARGET_TIMEOUT\`). Try \`${ns === 'valkey' ? 'valkey-cli' : 'redis-cli'} -h <host> -p <port> PING\` from the exporter's network namespace.`,
        action:
          'Unreachable: check the server process, its port and the network path. Auth: check the user and password file the exporter reads. Timeout: the server is overloaded or blocked (a slow command, a fork); see its latency and slowlog.',
      },
      cases: [
        {
          name: 'down for longer than for',
          series: { [s('up')]: '1 1 0x5' },
          at: '5m',
          fires: [{ labels: node, description: `a:9866: the exporter cannot read ${title} (connection refused, wrong credentials or timeout).` }],
        },
        { name: 'a one-scrape blip', series: { [s('up')]: '1 0 1x5' }, at: '5m', fires: [] },
      ],
    },
    {
      name: `${title}AuthFailureBurst`,
      severity: 'warning',
      symptom: true,
      expr: `increase(${m('auth_failures_total')}[${w.burst}]) > ${t.authFailures}`,
      for: config.for.burst,
      summary: `${title} is rejecting many authentication attempts.`,
      description: `{{ $labels.instance }} rejected {{ $value | printf "%.0f" }} authentication attempts in ${w.burst}: a password guessing attempt, or a client with a stale password.`,
      runbook: {
        meaning: `More than ${t.authFailures} failed AUTH/HELLO attempts in ${w.burst} (\`${ns}_auth_failures_total\`). A brute-force attempt looks like this; so does an application deployed with an old password.`,
        confirm: `\`ACL LOG\` on the server lists the failing user names and client addresses (the exporter counts them as \`${ns}_acl_log_events_total{reason="auth"}\`); the log events \`client\` fields show the same with --log.events-output.`,
        action:
          'An unknown address: block it (firewall, NetworkPolicy), make sure the port is not exposed, rotate the password if it may have leaked. A known application: fix its secret.',
      },
      cases: [
        {
          name: 'a brute force of 5 attempts a minute',
          series: { [s('auth_failures_total')]: '0x4 5+5x10' },
          at: '10m',
          fires: [
            {
              labels: node,
              description: `a:9866 rejected 25 authentication attempts in ${w.burst}: a password guessing attempt, or a client with a stale password.`,
            },
          ],
        },
        { name: 'a counter reset (server restart) is not a burst', series: { [s('auth_failures_total')]: '500x5 0 1+1x8' }, at: '14m', fires: [] },
        { name: 'a few typos', series: { [s('auth_failures_total')]: '0+1x14' }, at: '14m', fires: [] },
      ],
    },
    {
      name: `${title}AclDenials`,
      severity: 'warning',
      symptom: true,
      expr: `sum without (context, reason) ${eventsWithin(m('acl_log_events_total', 'reason!="auth"'), w.burst)} > 0`,
      for: '0m',
      summary: `${title} denied commands, keys or channels to a user.`,
      description: `{{ $labels.instance }}: user {{ $labels.user }} was denied {{ $value | printf "%.0f" }} times in ${w.burst} by ACL rules.`,
      runbook: {
        meaning:
          'An authenticated user ran something its ACL rules do not allow (a command, a key pattern, a channel), from ACL LOG. Either the application changed, or the account is used for something it should not do.',
        confirm: '`ACL LOG 20` on the server shows the command or key, the client address and the user.',
        action: 'An application change: extend its ACL rules deliberately. Otherwise treat the credentials as compromised: rotate them and find the client.',
      },
      cases: [
        {
          name: 'two denials of app',
          series: {
            [s('acl_log_events_total', { ...node, reason: 'command', context: 'toplevel', user: 'app' })]: '0x4 1 2x5',
            [s('acl_log_events_total', { ...node, reason: 'auth', context: 'toplevel', user: 'app' })]: '0x4 3 9x5',
          },
          at: '6m',
          fires: [{ labels: { ...node, user: 'app' }, description: `a:9866: user app was denied 2 times in ${w.burst} by ACL rules.` }],
        },
        {
          name: 'the first denial of a user (the exporter creates the series with it)',
          series: { [s('acl_log_events_total', { ...node, reason: 'key', context: 'toplevel', user: 'bob' })]: '_x4 1x4' },
          at: '6m',
          fires: [{ labels: { ...node, user: 'bob' }, description: `a:9866: user bob was denied 1 times in ${w.burst} by ACL rules.` }],
        },
        {
          name: 'failed logins alone are not ACL denials',
          series: { [s('acl_log_events_total', { ...node, reason: 'auth', context: 'toplevel', user: 'app' })]: '0x4 3 9x5' },
          at: '6m',
          fires: [],
        },
      ],
    },
    {
      name: `${title}DangerousCommandUsed`,
      severity: 'warning',
      symptom: true,
      expr: `increase(${m('dangerous_commands_total')}[${w.burst}]) > 0`,
      for: '0m',
      summary: `A dangerous command ran on ${title}.`,
      description: `{{ $labels.instance }}: {{ $labels.cmd }} ran {{ $value | printf "%.0f" }} times in ${w.burst}.`,
      runbook: {
        meaning:
          "A command from the exporter's dangerous-command list (FLUSHALL, FLUSHDB, CONFIG SET, DEBUG, KEYS, SHUTDOWN, ACL SETUSER, MODULE LOAD, REPLICAOF, FAILOVER, ...) succeeded. Administrators run these; applications and attackers should not.",
        confirm:
          '`ACL LOG` does not record successful commands; find who ran it from the client list (`CLIENT LIST`), the server log (shutdown, replicaof) and your change records.',
        action:
          'Expected maintenance: acknowledge. Otherwise remove the command from every application user (`-@dangerous`, `-flushall`), rotate credentials, and check the data.',
      },
      cases: [
        {
          name: 'one FLUSHALL',
          series: { [s('dangerous_commands_total', { ...node, cmd: 'flushall' })]: '0x4 1x5' },
          at: '6m',
          fires: [{ labels: { ...node, cmd: 'flushall' }, description: `a:9866: flushall ran 1 times in ${w.burst}.` }],
        },
        {
          name: 'history before the exporter started is not new use',
          series: { [s('dangerous_commands_total', { ...node, cmd: 'flushall' })]: '7x10' },
          at: '6m',
          fires: [],
        },
      ],
    },
    {
      name: `${title}MemoryNearMaxmemory`,
      severity: 'warning',
      symptom: true,
      expr: `${m('memory_used_ratio')} > ${t.memoryWarningRatio}`,
      for: config.for.memoryWarning,
      summary: `${title} memory is close to maxmemory.`,
      description: `{{ $labels.instance }} uses {{ $value | humanizePercentage }} of maxmemory.`,
      runbook: {
        meaning: `Used memory is above ${t.memoryWarningRatio * 100}% of maxmemory (\`${ns}_memory_used_ratio\`, absent when maxmemory is not set, so this alert cannot fire then). At maxmemory the server evicts keys or, with noeviction, refuses writes.`,
        confirm: "`INFO memory`: used_memory, maxmemory, maxmemory_policy; the dashboard's memory panel shows the trend.",
        action: 'Raise maxmemory (and the container limit with it), add shards, or reduce the data (TTLs, big keys).',
      },
      cases: [
        {
          name: 'ratio 0.9 for 10 minutes',
          series: { [s('memory_used_ratio')]: '0.5x2 0.9x12' },
          at: '14m',
          fires: [{ labels: node, description: 'a:9866 uses 90% of maxmemory.' }],
        },
        { name: 'maxmemory 0: the ratio is absent', series: { [s('memory_used_bytes')]: '1e9x14', [s('memory_max_bytes')]: '0x14' }, at: '14m', fires: [] },
      ],
    },
    {
      name: `${title}MemoryAtMaxmemory`,
      severity: 'critical',
      symptom: true,
      expr: `${m('memory_used_ratio')} > ${t.memoryCriticalRatio}`,
      for: config.for.memoryCritical,
      summary: `${title} memory is at maxmemory.`,
      description: `{{ $labels.instance }} uses {{ $value | humanizePercentage }} of maxmemory: evicting keys or refusing writes.`,
      runbook: {
        meaning: `Used memory is above ${t.memoryCriticalRatio * 100}% of maxmemory: the server is evicting (see evicted_keys_total) or, with noeviction, answering OOM errors to writes.`,
        confirm: "`INFO memory`, `INFO stats` evicted_keys, and the clients' OOM errors (errorstat_OOM).",
        action: 'Act now: raise maxmemory and the container limit, or remove data. Then look at what grew (the memory warning alert should have come first).',
      },
      cases: [
        {
          name: 'ratio 0.99 for 5 minutes',
          series: { [s('memory_used_ratio')]: '0.5x2 0.99x6' },
          at: '8m',
          fires: [{ labels: node, description: 'a:9866 uses 99% of maxmemory: evicting keys or refusing writes.' }],
        },
        { name: 'a spike shorter than for', series: { [s('memory_used_ratio')]: '0.5x2 0.99x2 0.5x4' }, at: '8m', fires: [] },
      ],
    },
    {
      name: `${title}MemoryGrowingWithoutLimit`,
      severity: 'warning',
      symptom: true,
      expr: `${m('memory_used_bytes')} > ${t.memoryGrowthFactor} * (${m('memory_used_bytes')} offset ${w.growth}) and ${m('memory_used_bytes')} > ${t.memoryGrowthMinimumBytes} unless on (job, instance) ${m('memory_max_bytes')} > 0`,
      for: config.for.memoryGrowth,
      summary: `${title} memory grows without a maxmemory limit.`,
      description: `{{ $labels.instance }} uses {{ $value | humanize1024 }}B, ${t.memoryGrowthFactor} times what it used ${w.growth} ago, and has no maxmemory.`,
      runbook: {
        meaning: `maxmemory is 0 (no limit) and used memory grew more than ${t.memoryGrowthFactor}x within ${w.growth}. Without a limit the server grows until the kernel or the container runtime kills it.`,
        confirm: '`CONFIG GET maxmemory` (0), `INFO memory`, the memory panel over the last day.',
        action: 'Set maxmemory below the container limit with a suitable eviction policy, and find what grows (key count per db, big keys).',
      },
      cases: [
        {
          name: 'doubled in an hour, no maxmemory',
          series: { [s('memory_used_bytes')]: '300000000x60 600000000x20', [s('memory_max_bytes')]: '0x80' },
          at: '78m',
          fires: [{ labels: node, description: `a:9866 uses 572.2MiB, ${t.memoryGrowthFactor} times what it used ${w.growth} ago, and has no maxmemory.` }],
        },
        {
          name: 'the same growth under a maxmemory limit',
          series: { [s('memory_used_bytes')]: '300000000x60 600000000x20', [s('memory_max_bytes')]: '1000000000x80' },
          at: '78m',
          fires: [],
        },
      ],
    },
    {
      name: `${title}ConnectionSpike`,
      severity: 'warning',
      symptom: true,
      expr: `${m('connected_clients')} > ${t.connectionSpikeFactor} * avg_over_time(${m('connected_clients')}[${w.baseline}] offset ${w.baselineOffset}) and ${m('connected_clients')} > ${t.connectionSpikeMinimum}`,
      for: config.for.connectionSpike,
      summary: `${title} has far more client connections than usual.`,
      description: `{{ $labels.instance }} has {{ $value | printf "%.0f" }} clients, over ${t.connectionSpikeFactor} times its average of the previous ${w.baseline}.`,
      runbook: {
        meaning: `Connected clients are above ${t.connectionSpikeFactor}x this instance's own average over ${w.baseline} (ending ${w.baselineOffset} ago) and above ${t.connectionSpikeMinimum}: a connection leak, a reconnect storm after a failover, or a connection flood.`,
        confirm: '`CLIENT LIST` grouped by addr and name shows who opened them; `INFO stats` total_connections_received shows the rate.',
        action:
          'A leaking or storming application: fix its pool settings. An unknown source: block it. Meanwhile make sure maxclients and the file-descriptor limit leave headroom.',
      },
      cases: [
        {
          name: 'a flood from 20 to 200 clients',
          series: { [s('connected_clients')]: '20x80 200x9' },
          at: '85m',
          fires: [{ labels: node, description: `a:9866 has 200 clients, over ${t.connectionSpikeFactor} times its average of the previous ${w.baseline}.` }],
        },
        { name: 'steady growth over hours is the new normal', series: { [s('connected_clients')]: '20+2x89' }, at: '85m', fires: [] },
        { name: 'a one-minute blip', series: { [s('connected_clients')]: '20x80 200 20x8' }, at: '85m', fires: [] },
      ],
    },
    {
      name: `${title}ConnectionsNearMaxclients`,
      severity: 'warning',
      symptom: true,
      expr: `${m('connected_clients')} / ${m('max_clients')} > ${t.connectionsNearMaxRatio}`,
      for: config.for.connectionsNearMax,
      summary: `${title} is close to maxclients.`,
      description: `{{ $labels.instance }} uses {{ $value | humanizePercentage }} of maxclients.`,
      runbook: {
        meaning: `Connected clients are above ${t.connectionsNearMaxRatio * 100}% of maxclients; beyond it new connections are refused.`,
        confirm: '`INFO clients` (connected_clients, maxclients) and `CLIENT LIST`.',
        action: 'Find who holds the connections (pools too large, leaks); raise maxclients only with the file-descriptor limit.',
      },
      cases: [
        {
          name: '900 of 1000',
          series: { [s('connected_clients')]: '900x8', [s('max_clients')]: '1000x8' },
          at: '8m',
          fires: [{ labels: node, description: 'a:9866 uses 90% of maxclients.' }],
        },
        { name: '100 of 1000', series: { [s('connected_clients')]: '100x8', [s('max_clients')]: '1000x8' }, at: '8m', fires: [] },
      ],
    },
    {
      name: `${title}ReplicationLinkDown`,
      severity: 'critical',
      symptom: true,
      expr: `${m('master_link_up')} == 0`,
      for: config.for.linkDown,
      summary: `A ${title} replica lost its primary.`,
      description: `{{ $labels.instance }}: the link to the primary is down; the replica serves stale data.`,
      runbook: {
        meaning: "A replica's link to its primary is down (`master_link_up` 0): the primary is gone, unreachable, or the replica cannot complete a sync.",
        confirm: "`INFO replication` on the replica (master_link_status, master_link_down_since_seconds) and the replica's log (replication events).",
        action:
          "Primary down: fail over or restart it. Network: check the path. Sync failing repeatedly: check the primary's client-output-buffer-limit for replicas and repl-timeout.",
      },
      cases: [
        {
          name: 'down for two minutes',
          series: { [s('master_link_up')]: '1x2 0x3' },
          at: '4m',
          fires: [{ labels: node, description: 'a:9866: the link to the primary is down; the replica serves stale data.' }],
        },
        { name: 'a replica that recovers within for', series: { [s('master_link_up')]: '1x2 0 1x2' }, at: '4m', fires: [] },
      ],
    },
    {
      name: `${title}ReplicaCountDropped`,
      severity: 'warning',
      symptom: true,
      expr: `${m('connected_slaves')} < max_over_time(${m('connected_slaves')}[${w.replicaHistory}])`,
      for: config.for.replicaCount,
      summary: `A ${title} primary has fewer replicas than before.`,
      description: `{{ $labels.instance }} has {{ $value | printf "%.0f" }} connected replicas, fewer than during the last ${w.replicaHistory}.`,
      runbook: {
        meaning: `A primary has fewer connected replicas than it had at some point in the last ${w.replicaHistory}: a replica is down or cannot connect. Removing a replica on purpose also fires this until the window passes.`,
        confirm: "`INFO replication` on the primary; the replicas' ReplicationLinkDown alerts and logs.",
        action: 'Bring the replica back or, if it was removed on purpose, silence the alert for the window.',
      },
      cases: [
        {
          name: 'one of two replicas gone',
          series: { [s('connected_slaves')]: '2x5 1x8' },
          at: '12m',
          fires: [{ labels: node, description: `a:9866 has 1 connected replicas, fewer than during the last ${w.replicaHistory}.` }],
        },
        { name: 'a replica that reconnects within for', series: { [s('connected_slaves')]: '2x5 1x2 2x6' }, at: '12m', fires: [] },
      ],
    },
    {
      name: `${title}NoPrimary`,
      severity: 'critical',
      expr: `sum by (${group}) (${m('instance_role', 'role="slave"')}) > 0 unless sum by (${group}) (${m('instance_role', 'role="master"')}) > 0`,
      for: config.for.primaries,
      summary: `A ${title} replication group has replicas but no primary.`,
      description: `{{ $labels.job }}: replicas are up but no instance is a primary.`,
      runbook: {
        meaning: `Within one replication group (instances sharing ${group}) replicas report in but no instance has the primary role: writes have nowhere to go.`,
        confirm: '`ROLE` on each instance; the Down alert of the former primary.',
        action:
          'Promote a replica (`REPLICAOF NO ONE` or your failover tooling), or restart the primary. If the group labels are wrong, set replicationGroupLabels in the alert configuration.',
      },
      cases: [
        {
          name: 'the primary stopped reporting',
          series: {
            [s('instance_role', { job: 'db', instance: 'a:9866', role: 'master' })]: '1x2 stale _x4',
            [s('instance_role', { job: 'db', instance: 'b:9866', role: 'slave' })]: '1x7',
          },
          at: '6m',
          fires: [{ labels: { job: 'db' }, description: 'db: replicas are up but no instance is a primary.' }],
        },
        {
          name: 'a primary and a replica',
          series: {
            [s('instance_role', { job: 'db', instance: 'a:9866', role: 'master' })]: '1x7',
            [s('instance_role', { job: 'db', instance: 'b:9866', role: 'slave' })]: '1x7',
          },
          at: '6m',
          fires: [],
        },
      ],
    },
    {
      name: `${title}MultiplePrimaries`,
      severity: 'critical',
      expr: `sum by (${group}) (${m('instance_role', 'role="master"')}) > 1 and on (${group}) sum by (${group}) (${m('instance_role', 'role="slave"')}) > 0`,
      for: config.for.primaries,
      summary: `A ${title} replication group has more than one primary.`,
      description: `{{ $labels.job }} has {{ $value | printf "%.0f" }} primaries: a split brain after a failover.`,
      runbook: {
        meaning: `More than one instance of a replication group (sharing ${group}) has the primary role while replicas exist: clients may write to both sides and lose writes.`,
        confirm: '`ROLE` on each instance and which one the clients and the replicas use.',
        action:
          'Demote the stale primary (`REPLICAOF <primary> <port>`), check the failover tooling. If the group labels are wrong (several independent primaries in one job), set replicationGroupLabels.',
      },
      cases: [
        {
          name: 'two primaries and a replica',
          series: {
            [s('instance_role', { job: 'db', instance: 'a:9866', role: 'master' })]: '1x7',
            [s('instance_role', { job: 'db', instance: 'b:9866', role: 'master' })]: '0 1x6',
            [s('instance_role', { job: 'db', instance: 'c:9866', role: 'slave' })]: '1x7',
          },
          at: '6m',
          fires: [{ labels: { job: 'db' }, description: 'db has 2 primaries: a split brain after a failover.' }],
        },
        {
          name: 'standalone primaries without replicas',
          series: {
            [s('instance_role', { job: 'db', instance: 'a:9866', role: 'master' })]: '1x7',
            [s('instance_role', { job: 'db', instance: 'b:9866', role: 'master' })]: '1x7',
          },
          at: '6m',
          fires: [],
        },
      ],
    },
    {
      name: `${title}PersistenceFailing`,
      severity: 'warning',
      symptom: true,
      expr: engine.aof ? `${m('rdb_last_bgsave_status')} == 0 or ${m('aof_last_write_status')} == 0` : `${m('rdb_last_bgsave_status')} == 0`,
      for: config.for.persistence,
      summary: `${title} cannot persist its data.`,
      description: `{{ $labels.instance }}: the last ${engine.aof ? 'background save or AOF write' : 'snapshot'} failed.`,
      runbook: {
        meaning: `The last ${engine.aof ? 'RDB background save or AOF write' : 'snapshot'} failed: a restart now loses data${engine.aof ? ', and with stop-writes-on-bgsave-error writes are refused' : ''}.`,
        confirm: `\`INFO persistence\`${engine.aof ? ' (rdb_last_bgsave_status, aof_last_write_status)' : ''} and the server log (save failure events).`,
        action: 'Check disk space and permissions of the data directory, and memory for fork; then trigger a save and watch it succeed.',
      },
      cases: [
        {
          name: 'a failed save',
          series: { [s('rdb_last_bgsave_status')]: '1x2 0x4' },
          at: '5m',
          fires: [{ labels: node, description: `a:9866: the last ${engine.aof ? 'background save or AOF write' : 'snapshot'} failed.` }],
        },
        { name: 'saves succeed', series: { [s('rdb_last_bgsave_status')]: '1x6' }, at: '5m', fires: [] },
      ],
    },
    {
      name: `${title}KeysEvicted`,
      severity: 'info',
      symptom: true,
      expr: `rate(${m('evicted_keys_total')}[${w.burst}]) > 0`,
      for: config.for.evictions,
      summary: `${title} keeps evicting keys to stay under maxmemory.`,
      description: `{{ $labels.instance }} evicts {{ $value | printf "%.1f" }} keys per second.`,
      runbook: {
        meaning: `Keys have been evicted continuously for ${config.for.evictions}: the data set does not fit in maxmemory. Normal for a cache that is meant to evict; a data-loss bug for a store that is not.`,
        confirm: '`INFO stats` evicted_keys, `CONFIG GET maxmemory-policy`.',
        action:
          'A store: raise maxmemory or set noeviction (writes then fail instead of data vanishing). A cache: check the hit ratio; evictions are expected.',
      },
      cases: [
        {
          name: 'one key a second for 20 minutes',
          series: { [s('evicted_keys_total')]: '0+60x25' },
          at: '25m',
          fires: [{ labels: node, description: 'a:9866 evicts 1.0 keys per second.' }],
        },
        { name: 'a burst of evictions, then none', series: { [s('evicted_keys_total')]: '0x5 500 500x19' }, at: '25m', fires: [] },
      ],
    },
    {
      name: `${title}LatencyP99High`,
      severity: 'warning',
      symptom: true,
      expr: `${m('latency_percentiles_seconds', 'quantile="0.99"')} > ${t.latencyP99Seconds}`,
      for: config.for.latency,
      summary: `${title} commands are slow at the 99th percentile.`,
      description: `{{ $labels.instance }}: {{ $labels.cmd }} p99 is {{ $value | humanizeDuration }}.`,
      runbook: {
        meaning: `The server's own p99 latency of a command (INFO latencystats) is above ${t.latencyP99Seconds} s. The server computes it since startup or CONFIG RESETSTAT, so it moves slowly and stays high after the cause is gone until a reset.`,
        confirm: '`SLOWLOG GET`, `LATENCY LATEST`, `INFO commandstats` for the command; CPU and fork activity.',
        action:
          'Find the slow calls (big keys, O(N) commands like KEYS or SMEMBERS on large sets, Lua scripts) and fix them; `CONFIG RESETSTAT` restarts the percentiles.',
      },
      cases: [
        {
          name: 'GET p99 at 120 ms',
          series: { [s('latency_percentiles_seconds', { ...node, cmd: 'get', quantile: '0.99' })]: '0.001x2 0.12x12' },
          at: '13m',
          fires: [{ labels: { ...node, cmd: 'get', quantile: '0.99' }, description: 'a:9866: get p99 is 120ms.' }],
        },
        {
          name: 'a slow p99.9 alone',
          series: { [s('latency_percentiles_seconds', { ...node, cmd: 'get', quantile: '0.999' })]: '0.5x14' },
          at: '13m',
          fires: [],
        },
      ],
    },
  ];
  if (engine.rejectedConnections) {
    alerts.push({
      name: `${title}RejectedConnections`,
      severity: 'warning',
      symptom: true,
      expr: `increase(${m('rejected_connections_total')}[${w.burst}]) > 0`,
      for: '0m',
      summary: `${title} refused client connections (maxclients reached).`,
      description: `{{ $labels.instance }} refused {{ $value | printf "%.0f" }} connections in ${w.burst}.`,
      runbook: {
        meaning: 'New connections were refused because maxclients was reached: clients see errors.',
        confirm: '`INFO stats` rejected_connections, `INFO clients`.',
        action: 'See ConnectionsNearMaxclients: find who holds the connections; raise maxclients with the file-descriptor limit.',
      },
      cases: [
        {
          name: 'three refused',
          series: { [s('rejected_connections_total')]: '0x4 3x4' },
          at: '6m',
          fires: [{ labels: node, description: `a:9866 refused 3 connections in ${w.burst}.` }],
        },
        { name: 'none refused since start', series: { [s('rejected_connections_total')]: '12x8' }, at: '6m', fires: [] },
      ],
    });
  }
  if (engine.lagBytes) {
    alerts.push({
      name: `${title}ReplicationLagBytes`,
      severity: 'warning',
      symptom: true,
      expr: `${m('connected_slave_lag_bytes')} > ${t.replicationLagBytes}`,
      for: config.for.lag,
      summary: `A ${title} replica is far behind its primary.`,
      description: `{{ $labels.instance }}: replica {{ $labels.slave_ip }}:{{ $labels.slave_port }} is {{ $value | humanize1024 }}B behind.`,
      runbook: {
        meaning: `The primary's replication offset is more than ${t.replicationLagBytes} bytes ahead of what a replica acknowledged.`,
        confirm: '`INFO replication` on the primary: slaveN offset against master_repl_offset.',
        action:
          "Check the replica's CPU and network, big writes on the primary, and that the backlog (repl-backlog-size) covers the lag, or a full resync follows.",
      },
      cases: [
        {
          name: '64 MiB behind for 5 minutes',
          series: { [s('connected_slave_lag_bytes', { ...node, slave_ip: '10.0.0.2', slave_port: '6379' })]: '0 67108864x6' },
          at: '6m',
          fires: [{ labels: { ...node, slave_ip: '10.0.0.2', slave_port: '6379' }, description: 'a:9866: replica 10.0.0.2:6379 is 64MiB behind.' }],
        },
        {
          name: 'a burst absorbed within for',
          series: { [s('connected_slave_lag_bytes', { ...node, slave_ip: '10.0.0.2', slave_port: '6379' })]: '0 67108864x2 0x4' },
          at: '6m',
          fires: [],
        },
      ],
    });
  }
  if (engine.lagRecords) {
    alerts.push({
      name: `${title}ReplicationLagRecords`,
      severity: 'warning',
      symptom: true,
      expr: `${m('connected_slave_lag_records')} > ${t.replicationLagRecords}`,
      for: config.for.lag,
      summary: `A ${title} replica is far behind its primary.`,
      description: `{{ $labels.instance }}: replica {{ $labels.slave_ip }}:{{ $labels.slave_port }} is {{ $value | printf "%.0f" }} journal records behind.`,
      runbook: {
        meaning: `A replica is more than ${t.replicationLagRecords} journal records behind the primary (INFO replication slaveN lag; ${title} reports no byte offsets per replica).`,
        confirm: '`INFO replication` on the primary (slaveN lag and state) and on the replica.',
        action: "Check the replica's CPU and network and heavy writes on the primary; a replica that cannot catch up falls back to a full sync.",
      },
      cases: [
        {
          name: 'a million records behind for 5 minutes',
          series: { [s('connected_slave_lag_records', { ...node, slave_ip: '10.0.0.2', slave_port: '6379' })]: '0 1000000x6' },
          at: '6m',
          fires: [
            { labels: { ...node, slave_ip: '10.0.0.2', slave_port: '6379' }, description: 'a:9866: replica 10.0.0.2:6379 is 1000000 journal records behind.' },
          ],
        },
        {
          name: 'a burst absorbed within for',
          series: { [s('connected_slave_lag_records', { ...node, slave_ip: '10.0.0.2', slave_port: '6379' })]: '0 1000000x2 0x4' },
          at: '6m',
          fires: [],
        },
      ],
    });
  }
  if (engine.lagSeconds) {
    alerts.push({
      name: `${title}ReplicationLagSeconds`,
      severity: 'warning',
      symptom: true,
      expr: `${m('connected_slave_lag_seconds')} > ${t.replicationLagSeconds}`,
      for: config.for.lag,
      summary: `A ${title} replica stopped acknowledging its primary.`,
      description: `{{ $labels.instance }}: replica {{ $labels.slave_ip }}:{{ $labels.slave_port }} last acknowledged {{ $value | humanizeDuration }} ago.`,
      runbook: {
        meaning: `A replica has not acknowledged the replication stream for more than ${t.replicationLagSeconds} s (INFO replication slaveN lag): it is stuck, overloaded or cut off.`,
        confirm: '`INFO replication` on the primary and on the replica.',
        action: 'Check the replica process and its link (ReplicationLinkDown on the replica), its CPU and disk.',
      },
      cases: [
        {
          name: 'two minutes without acknowledgement',
          series: { [s('connected_slave_lag_seconds', { ...node, slave_ip: '10.0.0.2', slave_port: '6379' })]: '0 120x6' },
          at: '6m',
          fires: [{ labels: { ...node, slave_ip: '10.0.0.2', slave_port: '6379' }, description: 'a:9866: replica 10.0.0.2:6379 last acknowledged 2m 0s ago.' }],
        },
        {
          name: 'a replica that catches up',
          series: { [s('connected_slave_lag_seconds', { ...node, slave_ip: '10.0.0.2', slave_port: '6379' })]: '0 120x2 0x4' },
          at: '6m',
          fires: [],
        },
      ],
    });
  }
  if (engine.cluster) {
    alerts.push({
      name: `${title}ClusterStateNotOk`,
      severity: 'critical',
      symptom: true,
      expr: `${m('cluster_state')} == 0`,
      for: config.for.down,
      summary: `${title} cluster state is not ok.`,
      description: `{{ $labels.instance }} reports cluster_state fail: some slots are not served.`,
      runbook: {
        meaning: 'CLUSTER INFO reports cluster_state:fail: hash slots are unassigned or their node is down, so some keys cannot be read or written.',
        confirm: '`CLUSTER INFO` (cluster_slots_fail, cluster_slots_pfail) and `CLUSTER NODES`.',
        action: 'Bring failed nodes back or fail over their slots; fix slot coverage (`valkey-cli --cluster fix`).',
      },
      cases: [
        {
          name: 'cluster failing',
          series: { [s('cluster_state')]: '1x2 0x3' },
          at: '4m',
          fires: [{ labels: node, description: 'a:9866 reports cluster_state fail: some slots are not served.' }],
        },
        { name: 'cluster ok', series: { [s('cluster_state')]: '1x5' }, at: '4m', fires: [] },
      ],
    });
  }
  for (const logEvent of engine.logEvents) {
    const events = logEvent.events.join('|');
    const [first] = logEvent.events;
    alerts.push({
      name: `${title}${logEvent.suffix}`,
      severity: logEvent.severity,
      expr: `sum without (event) (increase(${m('log_events_total', `event=~"${events}"`)}[${w.burst}])) > 0`,
      for: '0m',
      summary: `${title} ${logEvent.what.split(':')[0]}.`,
      description: `{{ $labels.instance }}: {{ $value | printf "%.0f" }} such log lines in ${w.burst}.`,
      runbook: {
        meaning: `The exporter follows the server log (--log.file) and the server ${logEvent.what}.`,
        confirm: 'The structured events (--log.events-output) carry the log line, its time and its fields; or read the server log around that time.',
        action: logEvent.action,
      },
      cases: [
        {
          name: 'one such line',
          series: { [s('log_events_total', { ...node, event: first ?? '' })]: '0x4 1x4' },
          at: '6m',
          fires: [{ labels: node, description: `a:9866: 1 such log lines in ${w.burst}.` }],
        },
        { name: 'none since the exporter started', series: { [s('log_events_total', { ...node, event: first ?? '' })]: '0x8' }, at: '6m', fires: [] },
      ],
    });
  }
  return alerts;
}
