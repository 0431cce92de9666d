import type { ExporterDefinition } from '@keepwatch/core/bootstrap';
import type { FlagSpec } from '@keepwatch/core/cli';
import type { Logger } from '@keepwatch/core/log';
import {
  type ConnectionSettings,
  collectorOptionFlags,
  collectorOptionsFromFlags,
  connectionFlags,
  connectionSettings,
  type RespCollectorOptions,
  type RespEngine,
  type RespSnapshot,
  RespTarget,
} from '@keepwatch/resp';
import packageJson from '../package.json' with { type: 'json' };
import { type DragonflyCaps, type DragonflyCollector, detectDragonflyCaps } from './capabilities.ts';
import { createCollectors, dragonflyDangerousCommands } from './collectors/index.ts';
import { parseDragonflyLogLine } from './logs/parser.ts';
import { dragonflyLogRules } from './logs/rules.ts';

/** Next to valkey-exporter's 9866; not 9121 (redis_exporter) nor Dragonfly's own ports. */
export const defaultPort = 9867;

export const dragonflyEngine: RespEngine = { name: 'dragonfly', schemes: { 'redis:': false, 'rediss:': true } };

const defaults: RespCollectorOptions = {
  exportUnknownInfoFields: false,
  dangerousCommands: dragonflyDangerousCommands,
  maxErrorPrefixes: 100,
  aclLogMaxUsers: 50,
  aclLogEntries: 32,
};

const dragonflyFlags: FlagSpec[] = [
  ...connectionFlags(dragonflyEngine, 'redis://localhost:6379'),
  ...collectorOptionFlags('dragonfly', defaults, {
    commandNames: 'commandstats names; ACL subcommands as acl|sub',
    aclLogEntries: 'ACL LOG entries read per thread per scrape; match --acllog_max_len so every retained entry is seen.',
  }),
];

/** The connection to one Dragonfly server, as the exporter and the tests open it. */
export function dragonflyTarget(settings: ConnectionSettings, log: Logger): RespTarget<DragonflyCaps> {
  return new RespTarget({
    ...settings,
    clientName: 'keepwatch-dragonfly-exporter',
    log,
    // INFO SERVER alone skips Dragonfly's aggregation over all threads: the cheap way to read dragonfly_version.
    handshakeInfo: ['INFO', 'SERVER'],
    detect: detectDragonflyCaps,
    passwordFlag: '--dragonfly.password-file',
    // ACL LOG timestamps are nanoseconds, beyond what a double holds exactly.
    stringNumbers: true,
  });
}

export const dragonflyExporter: ExporterDefinition<DragonflyCaps, RespSnapshot<DragonflyCaps>, DragonflyCollector> = {
  engine: 'dragonfly',
  name: 'dragonfly-exporter',
  description: 'Prometheus exporter for DragonflyDB: health, performance, replication and security signals.',
  version: packageJson.version,
  defaultPort,
  flags: dragonflyFlags,
  collectors: createCollectors(defaults),
  logs: { parser: parseDragonflyLogLine, rules: dragonflyLogRules },
  configure(flags, env) {
    const settings = connectionSettings(flags, env, dragonflyEngine);
    const options = collectorOptionsFromFlags(flags, defaults);
    return {
      secrets: settings.password === undefined ? [] : [settings.password],
      targetDisplay: settings.address.display,
      build: (log) => ({ target: dragonflyTarget(settings, log), collectors: createCollectors(options) }),
    };
  },
};
