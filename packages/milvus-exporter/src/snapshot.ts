import type { Collector } from '@keepwatch/core/scrape';

/** What the connection learnt at Connect time (the server's own build description). */
export interface MilvusCaps {
  readonly buildTags: string;
  readonly deployMode: string;
  readonly gitCommit: string;
  readonly goVersion: string;
}

export interface HealthRead {
  readonly healthy: boolean;
  readonly reasons: readonly string[];
  readonly quotaStates: readonly string[];
}

export interface ComponentRead {
  readonly role: string;
  readonly nodeId: string;
  readonly version: string;
  readonly hasError: boolean;
  readonly errorReason: string;
  readonly cpuCores?: number;
  /** 0..1 of the cores the node has. */
  readonly cpuUsage?: number;
  readonly memoryBytes?: number;
  readonly memoryUsedBytes?: number;
  readonly diskBytes?: number;
  readonly diskUsedBytes?: number;
  readonly growingSegmentsBytes?: number;
}

export interface DatabaseRead {
  readonly name: string;
  /** Absent when DescribeDatabase failed for this database. */
  readonly id?: string;
  readonly properties?: Readonly<Record<string, string>>;
}

export type LoadState = 'LoadStateNotExist' | 'LoadStateNotLoad' | 'LoadStateLoading' | 'LoadStateLoaded';

export interface CollectionRead {
  readonly db: string;
  readonly name: string;
  readonly id: string;
  readonly rows?: number;
  readonly loadState?: LoadState;
  /** 0..1. */
  readonly loadingProgress?: number;
  readonly partitions?: number;
  readonly shards?: number;
  readonly replicas?: number;
}

export interface CollectionsRead {
  /** Every collection per database, exported or not. */
  readonly perDatabase: ReadonlyMap<string, number>;
  /** Collections not exported, by reason. */
  readonly unexported: { readonly excluded: number; readonly limit: number };
  readonly collections: readonly CollectionRead[];
  /** Per-collection calls that failed this scrape (the values they would give are absent). */
  readonly failedCalls: number;
  /** Age of the oldest per-collection details: 0 when read during this scrape, more when reused or read in the background. */
  readonly ageSeconds: number;
  /** Selected collections the background reader has not read yet (0 when details are read in the scrape). */
  readonly unread: number;
}

export interface IndexRead {
  readonly db: string;
  readonly collection: string;
  readonly name: string;
  readonly field: string;
  readonly indexedRows: number;
  readonly totalRows: number;
  readonly pendingRows: number;
  readonly state: string;
}

export interface ResourceGroupRead {
  readonly name: string;
  readonly capacity: number;
  readonly availableNodes: number;
  readonly loadedReplicas: number;
  readonly requestedNodes: number;
  readonly nodeLimit: number;
}

export interface RbacRead {
  readonly users: number;
  readonly roles: number;
}

/** Everything a scrape can read, by read name; collectors declare the reads they need. */
export interface Reads {
  readonly health: HealthRead;
  readonly system: readonly ComponentRead[];
  readonly databases: readonly DatabaseRead[];
  readonly collections: CollectionsRead;
  readonly indexes: readonly IndexRead[];
  readonly 'resource-groups': readonly ResourceGroupRead[];
  readonly rbac: RbacRead;
}

export type ReadName = keyof Reads;

export interface MilvusSnapshot {
  readonly caps: MilvusCaps;
  /** GetVersion, read on every scrape: the call that makes `_up` 1. */
  readonly version: string;
  /** The result of a read; throws why it failed (refused, unsupported, an error status). */
  read<K extends ReadName>(name: K): Reads[K];
}

export interface MilvusCollector extends Collector<MilvusCaps, MilvusSnapshot> {
  readonly reads: readonly ReadName[];
}
