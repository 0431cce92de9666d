import { type FlagSpec, labelCapRange, type ParsedFlags } from '@keepwatch/core/cli';
import { type KeyCheckOptions, keyCheckFlags, keyCheckOptionsFromFlags } from './key-checks/options.ts';

/** The tunables of the shared collectors, the same on every Redis-protocol exporter. */
export interface RespCollectorOptions {
  readonly exportUnknownInfoFields: boolean;
  readonly dangerousCommands: readonly string[];
  readonly maxErrorPrefixes: number;
  readonly aclLogMaxUsers: number;
  readonly aclLogEntries: number;
  /** Distinct `cmd` labels of commandstats and latencystats; scripts and modules can invent command names. */
  readonly maxCommands: number;
  /** Distinct `db` labels of keyspace. */
  readonly maxDatabases: number;
  /** The name of CONFIG on engines whose posture reads it (absent: the engine's posture does not). */
  readonly configCommand?: string;
  /** Key, key-group and stream checks, on engines that offer them (absent: no such flags). */
  readonly keyChecks?: KeyCheckOptions;
}

/** Their flags; `notes` says what differs by engine (how subcommands are spelled, what ACL LOG <n> counts). */
export function collectorOptionFlags(
  engine: string,
  defaults: RespCollectorOptions,
  notes: { readonly commandNames: string; readonly aclLogEntries: string },
): FlagSpec[] {
  return [
    ...(defaults.configCommand === undefined
      ? []
      : [
          {
            name: `${engine}.config-command`,
            kind: 'string',
            default: defaults.configCommand,
            help: 'The name of CONFIG where the server renamed it (rename-command CONFIG NAME), for the posture collector; as redis_exporter --config-command.',
          } satisfies FlagSpec,
        ]),
    {
      name: 'collector.info.export-unknown',
      kind: 'boolean',
      default: false,
      help: `Also export numeric INFO fields the catalogue does not know, as untyped ${engine}_info_<field>.`,
    },
    {
      name: 'collector.commandstats.dangerous-commands',
      kind: 'list',
      default: defaults.dangerousCommands,
      help: `Commands (${notes.commandNames}) counted by dangerous_commands_total.`,
    },
    {
      name: 'collector.errorstats.max-prefixes',
      kind: 'number',
      default: defaults.maxErrorPrefixes,
      range: labelCapRange,
      help: 'Distinct error prefixes exported before the rest is summed under __overflow__.',
    },
    {
      name: 'collector.acl-log.max-users',
      kind: 'number',
      default: defaults.aclLogMaxUsers,
      range: labelCapRange,
      help: 'Distinct users labelled in acl_log_events_total before the rest is summed under __overflow__.',
    },
    {
      name: 'collector.commandstats.max-commands',
      kind: 'number',
      default: defaults.maxCommands,
      range: labelCapRange,
      help: 'Distinct commands labelled in commandstats (counters beyond it summed under __overflow__; dangerous commands always have their own) and in latencystats (percentiles beyond it dropped).',
    },
    {
      name: 'collector.keyspace.max-dbs',
      kind: 'number',
      default: defaults.maxDatabases,
      range: labelCapRange,
      help: 'Distinct databases labelled in keyspace; beyond it keys and counters are summed under __overflow__, averages dropped.',
    },
    {
      name: 'collector.acl-log.entries',
      kind: 'number',
      default: defaults.aclLogEntries,
      range: { min: 1, max: 10_000, integer: true },
      help: notes.aclLogEntries,
    },
    ...(defaults.keyChecks === undefined ? [] : keyCheckFlags()),
  ];
}

export function collectorOptionsFromFlags(flags: ParsedFlags, engine: string): RespCollectorOptions {
  const configCommand = flags.declares(`${engine}.config-command`) ? flags.string(`${engine}.config-command`) : undefined;
  return {
    ...(configCommand === undefined ? {} : { configCommand }),
    ...(flags.declares('collector.keys.check') ? { keyChecks: keyCheckOptionsFromFlags(flags) } : {}),
    exportUnknownInfoFields: flags.boolean('collector.info.export-unknown'),
    dangerousCommands: flags.list('collector.commandstats.dangerous-commands'),
    maxErrorPrefixes: flags.number('collector.errorstats.max-prefixes'),
    aclLogMaxUsers: flags.number('collector.acl-log.max-users'),
    aclLogEntries: flags.number('collector.acl-log.entries'),
    maxCommands: flags.number('collector.commandstats.max-commands'),
    maxDatabases: flags.number('collector.keyspace.max-dbs'),
  };
}
