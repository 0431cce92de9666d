import { type RespEngine, respExporter } from '@keepwatch/resp';
import packageJson from '../package.json' with { type: 'json' };
import { detectValkeyCaps } from './capabilities.ts';
import { createCollectors, defaultDangerousCommands } from './collectors/index.ts';
import { parseValkeyLogLine } from './logs/parser.ts';
import { valkeyLogRules } from './logs/rules.ts';

/** Not 9121 (redis_exporter) nor any database port, so both exporters can run side by side. */
export const defaultPort = 9866;

export const valkeyEngine: RespEngine = { name: 'valkey', schemes: { 'redis:': false, 'valkey:': false, 'rediss:': true, 'valkeys:': true } };

export const valkeyExporter = respExporter({
  engine: valkeyEngine,
  description: 'Prometheus exporter for Valkey and Redis: health, performance, replication and security signals.',
  version: packageJson.version,
  defaultPort,
  collectorDefaults: {
    exportUnknownInfoFields: false,
    dangerousCommands: defaultDangerousCommands,
    maxErrorPrefixes: 100,
    aclLogMaxUsers: 50,
    aclLogEntries: 128,
    maxCommands: 1000,
    maxDatabases: 256,
    configCommand: 'CONFIG',
  },
  optionNotes: {
    commandNames: 'commandstats names, subcommands as parent|sub',
    aclLogEntries: 'ACL LOG entries read per scrape (match acllog-max-len).',
  },
  createCollectors,
  connection: { handshakeInfo: ['INFO'], detect: detectValkeyCaps },
  logs: { parser: parseValkeyLogLine, rules: valkeyLogRules },
});
