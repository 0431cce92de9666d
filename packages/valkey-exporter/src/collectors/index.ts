import { memoized, type RespCollectorOptions } from '@keepwatch/resp';
import {
  aclLogCollector,
  authCollector,
  commandstatsCollector,
  errorstatsCollector,
  infoCollector,
  keyspaceCollector,
  latencystatsCollector,
  postureCollector,
  replicaLag,
  replicationCollector,
  slowlogCollector,
} from '@keepwatch/resp/collectors';
import { noKeyChecks } from '@keepwatch/resp/key-checks';
import type { ValkeyCaps, ValkeyCollector } from '../capabilities.ts';
import { infoCatalogue } from '../catalogue/info-fields.ts';
import { clusterCollector } from './cluster.ts';
import { commandlogCollector } from './commandlog.ts';
import { configCollector, configKeys } from './config.ts';
import { keyGroupsCollector } from './key-groups.ts';
import { keysCollector } from './keys.ts';
import { latencyCollector } from './latency.ts';
import { latencyHistogramCollector } from './latency-histogram.ts';
import { modulesCollector } from './modules.ts';
import { sentinelCollector } from './sentinel.ts';
import { streamsCollector } from './streams.ts';
import { tlsCollector } from './tls.ts';

export { valkeyDangerousCommands as defaultDangerousCommands } from '@keepwatch/resp/collectors';

/** The collectors that keep nothing between scrapes, built once per options and shared by every target. */
const statelessCollectors = memoized((options: RespCollectorOptions) => {
  const postureKeys = ['protected-mode', 'enable-debug-command', 'enable-module-command'] as const;
  // One CONFIG GET for both collectors that read settings: a hardened server that refuses it sees one error.
  const configGet = { key: 'config-get', argv: [options.configCommand ?? 'CONFIG', 'GET', ...postureKeys, ...configKeys] } as const;
  return {
    info: infoCollector({ catalogue: infoCatalogue, exportUnknownFields: options.exportUnknownInfoFields }),
    replication: replicationCollector({ states: ['wait_bgsave', 'send_bulk', 'online', 'bg_transfer', 'rdb_transmitted'], lag: replicaLag.seconds }),
    // acl_access_denied_auth on Redis 7.2+ and Valkey; Redis 7.0 counts failed AUTH/HELLO only as WRONGPASS errors
    // (captures: packages/testing/fixtures/valkey/*-info-all.txt; the security suite checks each real build).
    auth: authCollector<ValkeyCaps>(() => ['acl_access_denied_auth', 'errorstat_WRONGPASS']),
    posture: postureCollector({ config: postureKeys, configGet }),
    config: configCollector({ configGet }),
  };
});

/**
 * Every collector, in exposition order. commandlog, latency, latency-histogram, cluster, tls, config, modules,
 * keys, key-groups, streams and sentinel are Valkey's own (files in this folder); the
 * rest mean the same on Dragonfly and live in @keepwatch/resp. A collector's name is its
 * --[no-]collector.<name> flag, the `collector` label of the exporter's health metrics and its docs row.
 * Collectors with state (label caps, acl-log, errorstats, commandlog, the resumable scans of keys, key-groups,
 * streams) are built fresh per target. keys, key-groups and streams send nothing until given keys or patterns.
 */
export function createCollectors(options: RespCollectorOptions): ValkeyCollector[] {
  const shared = statelessCollectors(options);
  const keyChecks = options.keyChecks ?? noKeyChecks;
  return [
    shared.info,
    keyspaceCollector({ maxDatabases: options.maxDatabases }),
    commandstatsCollector({ dangerousCommands: options.dangerousCommands, maxCommands: options.maxCommands, countsUnknownCommands: false }),
    errorstatsCollector({ maxPrefixes: options.maxErrorPrefixes }),
    latencystatsCollector({ maxCommands: options.maxCommands }),
    latencyHistogramCollector({ maxCommands: options.maxCommands }),
    shared.replication,
    shared.auth,
    aclLogCollector({ maxUsers: options.aclLogMaxUsers, entries: options.aclLogEntries }),
    slowlogCollector,
    commandlogCollector(),
    latencyCollector,
    clusterCollector,
    tlsCollector,
    shared.posture,
    shared.config,
    modulesCollector({ exportUnknownFields: options.exportUnknownInfoFields }),
    keysCollector(keyChecks),
    keyGroupsCollector(keyChecks),
    streamsCollector(keyChecks),
    sentinelCollector,
  ];
}

/**
 * A Sentinel answers INFO (server, clients, cpu, stats, sentinel sections) and SENTINEL, and nothing the
 * others send (valkey src/sentinel.c sentinelInfoCommand and its command table).
 */
const onSentinel = new Set(['info', 'auth', 'sentinel']);
export const acceptedBy = (collector: ValkeyCollector, caps: ValkeyCaps): boolean => !caps.sentinel || onSentinel.has(collector.name);
