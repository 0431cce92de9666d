import type { ValkeyCollector } from '../snapshot.ts';
import { aclLogCollector } from './acl-log.ts';
import { authCollector } from './auth.ts';
import { clusterCollector } from './cluster.ts';
import { commandstatsCollector } from './commandstats.ts';
import { errorstatsCollector } from './errorstats.ts';
import { infoCollector } from './info.ts';
import { keyspaceCollector } from './keyspace.ts';
import { latencyCollector } from './latency.ts';
import { latencystatsCollector } from './latencystats.ts';
import { postureCollector } from './posture.ts';
import { replicationCollector } from './replication.ts';
import { slowlogCollector } from './slowlog.ts';

export { defaultDangerousCommands } from './commandstats.ts';

export interface CollectorOptions {
  readonly exportUnknownInfoFields: boolean;
  readonly dangerousCommands: readonly string[];
  readonly maxErrorPrefixes: number;
  readonly aclLogMaxUsers: number;
  readonly aclLogEntries: number;
}

/**
 * Every collector, in exposition order. Each is one file in this folder; its name is the
 * --[no-]collector.<name> flag, the `collector` label of the exporter's health metrics and the docs row.
 * Stateful collectors (acl-log, errorstats) are built fresh per exporter.
 */
export function createCollectors(options: CollectorOptions): ValkeyCollector[] {
  return [
    infoCollector({ exportUnknownFields: options.exportUnknownInfoFields }),
    keyspaceCollector,
    commandstatsCollector({ dangerousCommands: options.dangerousCommands }),
    errorstatsCollector({ maxPrefixes: options.maxErrorPrefixes }),
    latencystatsCollector,
    replicationCollector,
    authCollector,
    aclLogCollector({ maxUsers: options.aclLogMaxUsers, entries: options.aclLogEntries }),
    slowlogCollector,
    latencyCollector,
    clusterCollector,
    postureCollector,
  ];
}
