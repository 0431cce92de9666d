import type { Logger } from '@keepwatch/core/log';
import { PersistentTarget } from '@keepwatch/core/targets';
import type { MilvusClient } from '@zilliz/milvus2-sdk-node';
import { Caller } from './caller.ts';
import { connectionError, connectMilvusClient, createMilvusClient, grpcDetails } from './client.ts';
import { type CollectionOptions, type ListedCollection, selectCollections } from './collection-filter.ts';
import { CollectionRefresher, collectionKey } from './collection-refresher.ts';
import {
  listCollections,
  listDatabaseNames,
  readCollection,
  readDatabases,
  readHealth,
  readIndexes,
  readRbac,
  readResourceGroups,
  readSystem,
  readVersion,
} from './reads.ts';
import type { MilvusSettings } from './settings.ts';
import type { CollectionRead, IndexRead, MilvusCaps, MilvusCollector, MilvusSnapshot, ReadName, Reads } from './snapshot.ts';

export interface MilvusTargetOptions {
  readonly settings: MilvusSettings;
  readonly collections: CollectionOptions;
  readonly log: Logger;
}

/** Per-collection details kept between scrapes when --collector.collections.refresh-interval is set. */
interface DetailCache {
  readonly at: number;
  readonly collections: Map<string, CollectionRead>;
  readonly indexes: Map<string, readonly IndexRead[]>;
}

/**
 * One Milvus proxy, reached through the SDK: one client (a small channel pool) kept across scrapes, on core's
 * PersistentTarget. A Connect still running when a scrape's deadline passed is awaited by the next scrape,
 * not started again (the SDK cannot cancel it).
 */
export class MilvusTarget extends PersistentTarget<MilvusCaps, MilvusSnapshot, MilvusCollector, MilvusClient> {
  readonly #options: MilvusTargetOptions;
  #client: MilvusClient | undefined;
  #details: DetailCache | undefined;
  #refresher: CollectionRefresher | undefined;

  constructor(options: MilvusTargetOptions) {
    super({ display: options.settings.display, log: options.log });
    this.#options = options;
  }

  protected async connect(): Promise<{ handle: MilvusClient; caps: MilvusCaps }> {
    const { settings, log } = this.#options;
    // Building a client parses the SDK's protocol description (a few hundred ms of blocked event loop), so one
    // client lives as long as the target; reconnecting is a new Connect on it (a new identifier, fresh state).
    this.#client ??= createMilvusClient(settings);
    const client = this.#client;
    try {
      await connectMilvusClient(client);
    } catch (error) {
      throw connectionError(error, settings) ?? new Error(`Connect to ${settings.display} failed: ${grpcDetails(error)}`);
    }
    const server = (client as unknown as { serverInfo?: Record<string, unknown> }).serverInfo ?? {};
    const caps: MilvusCaps = {
      buildTags: String(server.build_tags ?? ''),
      deployMode: String(server.deploy_mode ?? ''),
      gitCommit: String(server.git_commit ?? ''),
      goVersion: String(server.go_version ?? ''),
    };
    this.#details = undefined;
    log.info('connected', { target: settings.display, version: caps.buildTags, deploy_mode: caps.deployMode });
    return { handle: client, caps };
  }

  /** The client outlives its connections: a dropped one is replaced by a new Connect on the same client. */
  protected release(): void {}

  async fetch(caps: MilvusCaps, collectors: readonly MilvusCollector[], signal: AbortSignal, deadline: number): Promise<MilvusSnapshot> {
    const { handle: client, refused } = this.connection();
    const { settings, log } = this.#options;
    // Calls end a little before the scrape deadline, so a slow one fails its collector instead of the whole scrape.
    const callDeadline = deadline - Math.min(250, (deadline - Date.now()) / 10);
    const caller = new Caller({
      refused,
      deadline: callDeadline,
      timeoutMs: settings.timeoutMs,
      signal,
      concurrency: settings.concurrency,
      log,
    });
    const needed = new Set(collectors.flatMap((collector) => collector.reads));
    let databaseNames: Promise<string[]> | undefined;
    const databases = () => {
      databaseNames ??= listDatabaseNames(client, caller);
      return databaseNames;
    };
    const reads: { [K in ReadName]?: () => Promise<Reads[K]> } = {
      health: () => readHealth(client, caller),
      system: () => readSystem(client, caller),
      databases: async () => readDatabases(client, caller, await databases()),
      'resource-groups': () => readResourceGroups(client, caller),
      rbac: () => readRbac(client, caller),
    };
    const pending = new Map<ReadName, Promise<unknown>>();
    for (const name of needed) {
      const read = reads[name];
      if (read !== undefined) pending.set(name, read());
    }
    if (needed.has('collections') || needed.has('indexes')) {
      const details = this.#collectionDetails(client, caller, databases, needed.has('collections'), needed.has('indexes'));
      if (needed.has('collections'))
        pending.set(
          'collections',
          details.then((result) => result.collections),
        );
      if (needed.has('indexes'))
        pending.set(
          'indexes',
          details.then((result) => result.indexes),
        );
    }
    const [versionRead, ...results] = await Promise.allSettled([readVersion(client, caller), ...pending.values()]);
    const settled = new Map([...pending.keys()].map((name, index) => [name, results[index] as PromiseSettledResult<unknown>]));
    if (versionRead.status === 'rejected') {
      const lost = connectionError(versionRead.reason, settings);
      if (lost !== undefined) this.drop(lost.message, client);
      throw lost ?? versionRead.reason;
    }
    const version = versionRead.value;
    return {
      caps,
      version,
      read<K extends ReadName>(name: K): Reads[K] {
        const result = settled.get(name);
        if (result === undefined) throw new Error(`${name} was not read`);
        if (result.status === 'rejected') throw result.reason;
        return result.value as Reads[K];
      },
    };
  }

  /** Lists every database's collections, then reads the selected ones' details with bounded concurrency. */
  async #collectionDetails(
    client: MilvusClient,
    caller: Caller,
    databases: () => Promise<string[]>,
    wantCollections: boolean,
    wantIndexes: boolean,
  ): Promise<{ collections: Reads['collections']; indexes: Reads['indexes'] }> {
    const names = await databases();
    const listedPerDatabase = await Promise.all(names.map((db) => listCollections(client, caller, db)));
    const perDatabase = new Map(names.map((db, index) => [db, listedPerDatabase[index]?.length ?? 0]));
    const listed = listedPerDatabase.flat();
    const { selected, excluded, overLimit } = selectCollections(listed, this.#options.collections);
    const unexported = { excluded, limit: overLimit };
    if (selected.length > this.#options.collections.backgroundAfter) {
      const { settings, collections, log } = this.#options;
      this.#refresher ??= new CollectionRefresher({ client, refused: new Map(), timeoutMs: settings.timeoutMs, ratePerSecond: collections.ratePerSecond, log });
      this.#refresher.update(selected, { collections: wantCollections, indexes: wantIndexes });
      const read = this.#refresher.snapshot(Date.now());
      return {
        collections: { perDatabase, unexported, collections: read.collections, failedCalls: 0, ageSeconds: read.oldestAgeSeconds, unread: read.unread },
        indexes: read.indexes,
      };
    }
    const now = Date.now();
    const cached = this.#details !== undefined && now - this.#details.at < this.#options.collections.refreshIntervalMs ? this.#details : undefined;
    const cache: DetailCache = cached ?? { at: now, collections: new Map(), indexes: new Map() };
    let failedCalls = 0;
    const onFailure = (error: unknown) => {
      failedCalls += 1;
      this.log.debug('per-collection call failed', { reason: grpcDetails(error) });
    };
    const fresh = async (collection: ListedCollection) => {
      const key = collectionKey(collection);
      if (wantCollections && !cache.collections.has(key)) cache.collections.set(key, await readCollection(client, caller, collection, onFailure));
      if (wantIndexes && !cache.indexes.has(key)) {
        try {
          cache.indexes.set(key, await readIndexes(client, caller, collection));
        } catch (error) {
          onFailure(error);
        }
      }
    };
    await Promise.all(selected.map(fresh));
    this.#details = cache;
    const keys = selected.map(collectionKey);
    return {
      collections: {
        perDatabase,
        unexported,
        collections: keys.flatMap((key) => cache.collections.get(key) ?? []),
        failedCalls,
        ageSeconds: (now - cache.at) / 1000,
        unread: 0,
      },
      indexes: keys.flatMap((key) => cache.indexes.get(key) ?? []),
    };
  }

  override async close(): Promise<void> {
    await this.#refresher?.close();
    this.#refresher = undefined;
    await super.close();
    await this.#client?.closeConnection();
    this.#client = undefined;
  }
}
