import { counter, LabelCap, overflowLabelValue } from '@keepwatch/core/metrics';
import { commandLabels } from '../command-labels.ts';
import { commandStats, unknownCommands } from '../info/index.ts';
import { memoized } from '../memoized.ts';
import type { RespCollector } from '../snapshot.ts';

/** Commands whose use is a security or availability event on Valkey and Redis. Names as commandstats spells them. */
export const valkeyDangerousCommands = [
  'flushall',
  'flushdb',
  'swapdb',
  'config|set',
  'config|rewrite',
  'config|resetstat',
  'debug',
  'keys',
  'shutdown',
  'monitor',
  'acl|setuser',
  'acl|deluser',
  'acl|load',
  'acl|save',
  'module|load',
  'module|loadex',
  'module|unload',
  'replicaof',
  'slaveof',
  'failover',
  'client|kill',
  'script|flush',
  'function|flush',
  'function|delete',
  'function|restore',
  'cluster|reset',
  'cluster|failover',
  'cluster|forget',
  'migrate',
  'restore',
] as const;

const metrics = {
  calls: counter('commands_total', 'Calls per command that completed, including failed ones (INFO commandstats calls).', ['cmd']),
  seconds: counter('commands_duration_seconds_total', 'Time spent executing each command, in seconds (INFO commandstats usec).', ['cmd']),
  rejected: counter('commands_rejected_calls_total', 'Calls refused before execution: ACL, NOAUTH, arity, OOM, READONLY (INFO commandstats rejected_calls).', [
    'cmd',
  ]),
  failed: counter('commands_failed_calls_total', 'Calls executed that returned an error (INFO commandstats failed_calls).', ['cmd']),
  dangerous: counter(
    'dangerous_commands_total',
    'Calls of dangerous commands (--collector.commandstats.dangerous-commands) that completed, including failed ones; 0 for those never called.',
    ['cmd'],
  ),
  dangerousRejected: counter('dangerous_commands_rejected_total', 'Calls of dangerous commands refused before execution, for example by ACL rules.', ['cmd']),
  unknown: counter(
    'unknown_commands_total',
    'Calls of command names the server does not know (Dragonfly INFO commandstats unknown_<NAME>): probes and misconfigured clients.',
  ),
};

export interface CommandstatsOptions {
  readonly dangerousCommands: readonly string[];
  readonly maxCommands: number;
  /** The server lists unknown command names in commandstats (Dragonfly), so their total is always known. */
  readonly countsUnknownCommands: boolean;
}

/** One lower-cased set per list of dangerous commands: every target of a fleet reads the same one. */
const dangerousSet = memoized((commands: readonly string[]): ReadonlySet<string> => new Set(commands.map((command) => command.toLowerCase())));

/** Calls, time, rejected and failed calls per command and subcommand; dangerous commands on their own. */
export function commandstatsCollector(options: CommandstatsOptions): RespCollector {
  const dangerous = dangerousSet(options.dangerousCommands);
  // Dangerous commands always have their own series and take no room under the cap, so invented command
  // names can never push them into __overflow__.
  const cap = new LabelCap(options.maxCommands);
  const admit = (command: string) => (dangerous.has(command) ? command : cap.admit(command));
  return {
    name: 'commandstats',
    help: 'Calls, seconds, rejected and failed calls per command and subcommand; dangerous commands as their own counters.',
    defaultEnabled: true,
    metrics: Object.values(metrics).filter((metric) => options.countsUnknownCommands || metric !== metrics.unknown),
    collect({ info }, sink) {
      const stats = commandStats(info);
      const overflow = { calls: 0, usec: 0, rejectedCalls: 0, failedCalls: 0, seen: false };
      for (const stat of stats.values()) {
        if (admit(stat.command) !== stat.command) {
          overflow.seen = true;
          overflow.calls += stat.calls;
          overflow.usec += stat.usec;
          overflow.rejectedCalls += stat.rejectedCalls ?? 0;
          overflow.failedCalls += stat.failedCalls ?? 0;
          continue;
        }
        const labels = commandLabels(stat.command);
        sink.emit(metrics.calls, stat.calls, labels);
        sink.emit(metrics.seconds, stat.usec / 1e6, labels);
        if (stat.rejectedCalls !== undefined) sink.emit(metrics.rejected, stat.rejectedCalls, labels);
        if (stat.failedCalls !== undefined) sink.emit(metrics.failed, stat.failedCalls, labels);
        if (dangerous.has(stat.command)) {
          sink.emit(metrics.dangerous, stat.calls, labels);
          if (stat.rejectedCalls !== undefined) sink.emit(metrics.dangerousRejected, stat.rejectedCalls, labels);
        }
      }
      if (overflow.seen) {
        const labels = commandLabels(overflowLabelValue);
        sink.emit(metrics.calls, overflow.calls, labels);
        sink.emit(metrics.seconds, overflow.usec / 1e6, labels);
        sink.emit(metrics.rejected, overflow.rejectedCalls, labels);
        sink.emit(metrics.failed, overflow.failedCalls, labels);
      }
      // A dangerous command that never ran is exported at 0, so its first use is an increase that alerts see.
      for (const command of dangerous) if (!stats.has(command)) sink.emit(metrics.dangerous, 0, commandLabels(command));
      if (options.countsUnknownCommands)
        sink.emit(
          metrics.unknown,
          unknownCommands(info).reduce((sum, entry) => sum + entry.count, 0),
        );
    },
  };
}
