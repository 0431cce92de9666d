import { type RespEngine, respExporter } from '@keepwatch/resp';
import packageJson from '../package.json' with { type: 'json' };
import { detectDragonflyCaps } from './capabilities.ts';
import { createCollectors, dragonflyDangerousCommands } from './collectors/index.ts';
import { parseDragonflyLogLine } from './logs/parser.ts';
import { dragonflyLogRules } from './logs/rules.ts';

/** Next to valkey-exporter's 9866; not 9121 (redis_exporter) nor Dragonfly's own ports. */
export const defaultPort = 9867;

export const dragonflyEngine: RespEngine = { name: 'dragonfly', schemes: { 'redis:': false, 'rediss:': true } };

export const dragonflyExporter = respExporter({
  engine: dragonflyEngine,
  description: 'Prometheus exporter for DragonflyDB: health, performance, replication and security signals.',
  version: packageJson.version,
  defaultPort,
  collectorDefaults: {
    exportUnknownInfoFields: false,
    dangerousCommands: dragonflyDangerousCommands,
    maxErrorPrefixes: 100,
    aclLogMaxUsers: 50,
    aclLogEntries: 32,
    maxCommands: 1000,
    maxDatabases: 256,
  },
  optionNotes: {
    commandNames: 'commandstats names; ACL subcommands as acl|sub',
    aclLogEntries: 'ACL LOG entries read per thread per scrape; match --acllog_max_len so every retained entry is seen.',
  },
  createCollectors,
  connection: {
    // INFO SERVER alone skips Dragonfly's aggregation over all threads: the cheap way to read dragonfly_version.
    handshakeInfo: ['INFO', 'SERVER'],
    detect: detectDragonflyCaps,
    // ACL LOG timestamps are nanoseconds, beyond what a double holds exactly.
    stringNumbers: true,
  },
  logs: { parser: parseDragonflyLogLine, rules: dragonflyLogRules },
});
