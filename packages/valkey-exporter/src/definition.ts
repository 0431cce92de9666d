import type { ExporterDefinition } from '@keepwatch/core/bootstrap';
import type { FlagSpec } from '@keepwatch/core/cli';
import type { Logger } from '@keepwatch/core/log';
import { type ConnectionSettings, connectionFlags, connectionSettings, positiveInteger, type RespEngine, type RespSnapshot, RespTarget } from '@keepwatch/resp';
import packageJson from '../package.json' with { type: 'json' };
import { detectValkeyCaps, type ValkeyCaps, type ValkeyCollector } from './capabilities.ts';
import { createCollectors, defaultDangerousCommands } from './collectors/index.ts';
import { parseValkeyLogLine } from './logs/parser.ts';
import { valkeyLogRules } from './logs/rules.ts';

/** Not 9121 (redis_exporter) nor any database port, so both exporters can run side by side. */
export const defaultPort = 9866;

export const valkeyEngine: RespEngine = { name: 'valkey', schemes: { 'redis:': false, 'valkey:': false, 'rediss:': true, 'valkeys:': true } };

const valkeyFlags: FlagSpec[] = [
  ...connectionFlags(valkeyEngine, 'redis://localhost:6379'),
  {
    name: 'collector.info.export-unknown',
    kind: 'boolean',
    default: false,
    help: 'Also export numeric INFO fields the catalogue does not know, as untyped valkey_info_<field>.',
  },
  {
    name: 'collector.commandstats.dangerous-commands',
    kind: 'list',
    default: defaultDangerousCommands,
    help: 'Commands (commandstats names, subcommands as parent|sub) counted by dangerous_commands_total.',
  },
  {
    name: 'collector.errorstats.max-prefixes',
    kind: 'number',
    default: 100,
    help: 'Distinct error prefixes exported before the rest is summed under __overflow__.',
  },
  {
    name: 'collector.acl-log.max-users',
    kind: 'number',
    default: 50,
    help: 'Distinct users labelled in acl_log_events_total before the rest is summed under __overflow__.',
  },
  { name: 'collector.acl-log.entries', kind: 'number', default: 128, help: 'ACL LOG entries read per scrape (match acllog-max-len).' },
];

const defaultCollectorOptions = {
  exportUnknownInfoFields: false,
  dangerousCommands: defaultDangerousCommands,
  maxErrorPrefixes: 100,
  aclLogMaxUsers: 50,
  aclLogEntries: 128,
};

/** The connection to one Valkey or Redis server, as the exporter and the tests open it. */
export function valkeyTarget(settings: ConnectionSettings, log: Logger): RespTarget<ValkeyCaps> {
  return new RespTarget({
    ...settings,
    clientName: 'keepwatch-valkey-exporter',
    log,
    handshakeInfo: ['INFO'],
    detect: detectValkeyCaps,
    passwordFlag: '--valkey.password-file',
  });
}

export const valkeyExporter: ExporterDefinition<ValkeyCaps, RespSnapshot<ValkeyCaps>, ValkeyCollector> = {
  engine: 'valkey',
  name: 'valkey-exporter',
  description: 'Prometheus exporter for Valkey and Redis: health, performance, replication and security signals.',
  version: packageJson.version,
  defaultPort,
  flags: valkeyFlags,
  collectors: createCollectors(defaultCollectorOptions),
  logs: { parser: parseValkeyLogLine, rules: valkeyLogRules },
  configure(flags, env) {
    const settings = connectionSettings(flags, env, valkeyEngine);
    const collectorOptions = {
      exportUnknownInfoFields: flags.get('collector.info.export-unknown') === true,
      dangerousCommands: (flags.get('collector.commandstats.dangerous-commands') as string[] | undefined) ?? defaultDangerousCommands,
      maxErrorPrefixes: positiveInteger(flags, 'collector.errorstats.max-prefixes'),
      aclLogMaxUsers: positiveInteger(flags, 'collector.acl-log.max-users'),
      aclLogEntries: positiveInteger(flags, 'collector.acl-log.entries'),
    };
    return {
      secrets: settings.password === undefined ? [] : [settings.password],
      targetDisplay: settings.address.display,
      build: (log) => ({ target: valkeyTarget(settings, log), collectors: createCollectors(collectorOptions) }),
    };
  },
};
