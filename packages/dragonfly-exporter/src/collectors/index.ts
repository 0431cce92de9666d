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
import { type DragonflyCaps, type DragonflyCollector, since } from '../capabilities.ts';
import { dragonflyCatalogue } from '../catalogue/info-fields.ts';
import { memoryTypesCollector } from './memory-types.ts';
import { snapshotKeysCollector } from './snapshot-keys.ts';
import { transactionsCollector } from './transactions.ts';

/**
 * Commands whose use is a security or availability event on Dragonfly. Dragonfly counts subcommands under
 * their parent (CONFIG GET and CONFIG SET are both `config`), except ACL's, which it names `acl setuser`
 * and keepwatch labels `acl|setuser` as on Valkey. So `config` is left out: it would count every CONFIG GET.
 */
export const dragonflyDangerousCommands = [
  'flushall',
  'flushdb',
  'debug',
  'keys',
  'shutdown',
  'monitor',
  'replicaof',
  'slaveof',
  'repltakeover',
  'acl|setuser',
  'acl|deluser',
  'acl|load',
  'acl|save',
  'restore',
] as const;

/** The collectors that keep nothing between scrapes, built once per options and shared by every target. */
const statelessCollectors = memoized((options: RespCollectorOptions) => ({
  info: infoCollector({ catalogue: dragonflyCatalogue, exportUnknownFields: options.exportUnknownInfoFields }),
  replication: replicationCollector({ states: ['preparation', 'full_sync', 'online', 'stable_sync', 'cancelled'], lag: replicaLag.records }),
  // Failed AUTH/HELLO: the `no_auth` errorstats kind since 1.37 (which also counts NOAUTH), the WRONGPASS message before.
  auth: authCollector<DragonflyCaps>((caps) => (caps.versionNumber >= since.noAuthErrorKind ? ['errorstat_no_auth'] : ['errorstat_WRONGPASS'])),
  posture: postureCollector({ config: [] }),
}));

/**
 * Every collector, in exposition order. memory-types, transactions and snapshot-keys read Dragonfly-only
 * INFO records (files in this folder); the rest mean the same as on Valkey and live in @keepwatch/resp.
 * Not here, on purpose: LATENCY (Dragonfly answers it with an empty list), CLUSTER INFO, CONFIG GET
 * (Dragonfly returns passwords in clear text and has no protected mode or DEBUG/MODULE switches).
 */
export function createCollectors(options: RespCollectorOptions): DragonflyCollector[] {
  const shared = statelessCollectors(options);
  return [
    shared.info,
    keyspaceCollector({ maxDatabases: options.maxDatabases }),
    memoryTypesCollector,
    commandstatsCollector({ dangerousCommands: options.dangerousCommands, maxCommands: options.maxCommands, countsUnknownCommands: true }),
    errorstatsCollector({ maxPrefixes: options.maxErrorPrefixes }),
    latencystatsCollector({ maxCommands: options.maxCommands }),
    transactionsCollector,
    snapshotKeysCollector,
    shared.replication,
    shared.auth,
    aclLogCollector({ maxUsers: options.aclLogMaxUsers, entries: options.aclLogEntries }),
    slowlogCollector,
    shared.posture,
  ];
}
