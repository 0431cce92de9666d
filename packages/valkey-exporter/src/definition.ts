import { type RespEngine, respExporter } from '@keepwatch/resp';
import { noKeyChecks } from '@keepwatch/resp/key-checks';
import packageJson from '../package.json' with { type: 'json' };
import { detectValkeyCaps } from './capabilities.ts';
import { clusterNodes } from './cluster-discovery.ts';
import { acceptedBy, createCollectors, defaultDangerousCommands } from './collectors/index.ts';
import { parseValkeyLogLine } from './logs/parser.ts';
import { valkeyLogRules } from './logs/rules.ts';

/** Not 9121 (redis_exporter) nor any database port, so both exporters can run side by side. */
export const defaultPort = 9866;

export const valkeyEngine: RespEngine = {
  name: 'valkey',
  schemes: { 'redis:': false, 'valkey:': false, 'rediss:': true, 'valkeys:': true },
  dropInPassword: { env: 'REDIS_PASSWORD', mapFileEnv: 'REDIS_PASSWORD_FILE' },
};

/**
 * redis_exporter's environment variables where the meaning is the same (its main.go at v1.69.0: REDIS_ADDR,
 * REDIS_USER, REDIS_EXPORTER_<FLAG>), so the charts that run it as a sidecar can swap the image and keep
 * their env. Its others mean something this exporter does differently; the README's comparison says which.
 */
const redisExporterEnv = {
  'valkey.addr': ['REDIS_ADDR'],
  'valkey.user': ['REDIS_USER'],
  'web.listen-address': ['REDIS_EXPORTER_WEB_LISTEN_ADDRESS'],
  'web.telemetry-path': ['REDIS_EXPORTER_WEB_TELEMETRY_PATH'],
  namespace: ['REDIS_EXPORTER_NAMESPACE'],
  'valkey.tls.cert-file': ['REDIS_EXPORTER_TLS_CLIENT_CERT_FILE'],
  'valkey.tls.key-file': ['REDIS_EXPORTER_TLS_CLIENT_KEY_FILE'],
  'valkey.tls.ca-file': ['REDIS_EXPORTER_TLS_CA_CERT_FILE'],
  'collector.keys.check': ['REDIS_EXPORTER_CHECK_KEYS'],
  'collector.keys.check-single': ['REDIS_EXPORTER_CHECK_SINGLE_KEYS'],
  'collector.keys.count': ['REDIS_EXPORTER_COUNT_KEYS'],
  'collector.keys.scan-count': ['REDIS_EXPORTER_CHECK_KEYS_BATCH_SIZE'],
  'collector.key-groups.patterns': ['REDIS_EXPORTER_CHECK_KEY_GROUPS'],
  'collector.key-groups.max-groups': ['REDIS_EXPORTER_MAX_DISTINCT_KEY_GROUPS'],
  'collector.streams.check': ['REDIS_EXPORTER_CHECK_STREAMS'],
  'collector.streams.check-single': ['REDIS_EXPORTER_CHECK_SINGLE_STREAMS'],
  'collector.streams.exclude-consumers': ['REDIS_EXPORTER_STREAMS_EXCLUDE_CONSUMER_METRICS'],
};

export const valkeyExporter = respExporter({
  engine: valkeyEngine,
  envAliases: redisExporterEnv,
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
    keyChecks: noKeyChecks,
  },
  optionNotes: {
    commandNames: 'commandstats names, subcommands as parent|sub',
    aclLogEntries: 'ACL LOG entries read per scrape (match acllog-max-len).',
  },
  createCollectors,
  connection: { handshakeInfo: ['INFO'], detect: detectValkeyCaps, accepts: acceptedBy },
  // serverLogRaw opens and closes the log file for every line "to support log rotation" (valkey 8.0.1
  // src/server.c; the same in redis 7.0 src/server.c), so a renamed file is never written again.
  logs: { reopensPerWrite: true, parser: parseValkeyLogLine, rules: valkeyLogRules },
  // redis_exporter's path (exporter/http.go, since 1.70.0), as http_sd for the targets file's cluster seeds.
  clusterDiscovery: { path: '/discover-cluster-nodes', command: ['CLUSTER', 'SHARDS'], nodes: clusterNodes },
});
