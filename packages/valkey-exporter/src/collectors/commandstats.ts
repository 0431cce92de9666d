import { commandStats } from '@keepwatch/core/redis-info';
import type { ValkeyCollector } from '../snapshot.ts';

/** Commands whose use is a security or availability event. Names as commandstats spells them. */
export const defaultDangerousCommands = [
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

const help = {
  calls: 'Calls per command that completed, including failed ones (INFO commandstats calls).',
  seconds: 'Time spent executing each command, in seconds (INFO commandstats usec).',
  rejected: 'Calls refused before execution: ACL, NOAUTH, arity, OOM, READONLY (INFO commandstats rejected_calls).',
  failed: 'Calls executed that returned an error (INFO commandstats failed_calls).',
  dangerous: 'Calls of dangerous commands (--collector.commandstats.dangerous-commands) that completed, including failed ones.',
  dangerousRejected: 'Calls of dangerous commands refused before execution, for example by ACL rules.',
} as const;

/** Calls, time, rejected and failed calls per command and subcommand; dangerous commands on their own. */
export function commandstatsCollector(options: { dangerousCommands: readonly string[] }): ValkeyCollector {
  const dangerous = new Set(options.dangerousCommands.map((command) => command.toLowerCase()));
  return {
    name: 'commandstats',
    help: 'Calls, seconds, rejected and failed calls per command and subcommand; dangerous commands as their own counters.',
    defaultEnabled: true,
    collect({ info }, sink) {
      for (const stat of commandStats(info)) {
        const labels = { cmd: stat.command };
        sink.counter('commands_total', help.calls, stat.calls, labels);
        sink.counter('commands_duration_seconds_total', help.seconds, stat.usec / 1e6, labels);
        if (stat.rejectedCalls !== undefined) sink.counter('commands_rejected_calls_total', help.rejected, stat.rejectedCalls, labels);
        if (stat.failedCalls !== undefined) sink.counter('commands_failed_calls_total', help.failed, stat.failedCalls, labels);
        if (dangerous.has(stat.command)) {
          sink.counter('dangerous_commands_total', help.dangerous, stat.calls, labels);
          sink.counter('dangerous_commands_rejected_total', help.dangerousRejected, stat.rejectedCalls ?? 0, labels);
        }
      }
    },
  };
}
