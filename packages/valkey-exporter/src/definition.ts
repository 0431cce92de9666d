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
import { detectValkeyCaps, type ValkeyCaps, type ValkeyCollector } from './capabilities.ts';
import { createCollectors, defaultDangerousCommands } from './collectors/index.ts';
import { parseValkeyLogLine } from './logs/parser.ts';
import { valkeyLogRules } from './logs/rules.ts';

/** Not 9121 (redis_exporter) nor any database port, so both exporters can run side by side. */
export const defaultPort = 9866;

export const valkeyEngine: RespEngine = { name: 'valkey', schemes: { 'redis:': false, 'valkey:': false, 'rediss:': true, 'valkeys:': true } };

const defaults: RespCollectorOptions = {
  exportUnknownInfoFields: false,
  dangerousCommands: defaultDangerousCommands,
  maxErrorPrefixes: 100,
  aclLogMaxUsers: 50,
  aclLogEntries: 128,
};

const valkeyFlags: FlagSpec[] = [
  ...connectionFlags(valkeyEngine, 'redis://localhost:6379'),
  ...collectorOptionFlags('valkey', defaults, {
    commandNames: 'commandstats names, subcommands as parent|sub',
    aclLogEntries: 'ACL LOG entries read per scrape (match acllog-max-len).',
  }),
];

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
  collectors: createCollectors(defaults),
  logs: { parser: parseValkeyLogLine, rules: valkeyLogRules },
  configure(flags, env) {
    const settings = connectionSettings(flags, env, valkeyEngine);
    const collectorOptions = collectorOptionsFromFlags(flags, defaults);
    return {
      secrets: settings.password === undefined ? [] : [settings.password],
      targetDisplay: settings.address.display,
      build: (log) => ({ target: valkeyTarget(settings, log), collectors: createCollectors(collectorOptions) }),
    };
  },
};
