import type { Logger } from '@keepwatch/core/log';
import type { MilvusClient } from '@zilliz/milvus2-sdk-node';
import { Caller } from './caller.ts';
import { grpcDetails } from './client.ts';
import type { ListedCollection } from './collection-filter.ts';
import { readCollection, readIndexes } from './reads.ts';
import type { CollectionRead, IndexRead } from './snapshot.ts';

interface Details {
  readonly at: number;
  readonly collection?: CollectionRead;
  readonly indexes?: readonly IndexRead[];
}

export const collectionKey = (collection: { db: string; name: string }) => `${collection.db}.${collection.name}`;

/**
 * Per-collection reads for deployments with many collections: one collection at a time, round-robin, on
 * calls paced to `ratePerSecond`, independent of scrapes. A scrape takes whatever has been read, and says
 * how old the oldest is and how many are still unread; a full pass takes collections × calls per collection
 * ÷ rate.
 */
export class CollectionRefresher {
  readonly #client: MilvusClient;
  readonly #log: Logger;
  readonly #caller: Caller;
  readonly #stop = new AbortController();
  #selected: readonly ListedCollection[] = [];
  #want = { collections: true, indexes: true };
  #cursor = 0;
  readonly #details = new Map<string, Details>();
  #loop: Promise<void> | undefined;

  constructor(options: { client: MilvusClient; refused: Map<string, string>; timeoutMs: number; ratePerSecond: number; log: Logger }) {
    this.#client = options.client;
    this.#log = options.log;
    this.#caller = new Caller({
      refused: options.refused,
      deadline: Number.POSITIVE_INFINITY,
      timeoutMs: options.timeoutMs,
      signal: this.#stop.signal,
      concurrency: 1,
      log: options.log,
      ratePerSecond: options.ratePerSecond,
    });
  }

  /** The collections to keep read (this scrape's selection) and what to read of them; starts the loop. */
  update(selected: readonly ListedCollection[], want: { collections: boolean; indexes: boolean }): void {
    this.#selected = selected;
    this.#want = want;
    const keys = new Set(selected.map(collectionKey));
    for (const key of this.#details.keys()) if (!keys.has(key)) this.#details.delete(key);
    this.#loop ??= this.#run();
  }

  /** What has been read of the selection, the oldest reading's age and how many collections are unread. */
  snapshot(now: number): { collections: CollectionRead[]; indexes: IndexRead[]; oldestAgeSeconds: number; unread: number } {
    const collections: CollectionRead[] = [];
    const indexes: IndexRead[] = [];
    let oldest = now;
    let unread = 0;
    for (const collection of this.#selected) {
      const details = this.#details.get(collectionKey(collection));
      if (details === undefined) {
        unread += 1;
        continue;
      }
      oldest = Math.min(oldest, details.at);
      if (details.collection !== undefined) collections.push(details.collection);
      indexes.push(...(details.indexes ?? []));
    }
    return { collections, indexes, oldestAgeSeconds: (now - oldest) / 1000, unread };
  }

  async close(): Promise<void> {
    this.#stop.abort();
    await this.#loop;
  }

  async #run(): Promise<void> {
    while (!this.#stop.signal.aborted) {
      const collection = this.#selected[this.#cursor % Math.max(1, this.#selected.length)];
      this.#cursor = (this.#cursor + 1) % Math.max(1, this.#selected.length);
      if (collection === undefined) {
        await new Promise((resolve) => setTimeout(resolve, 1000).unref());
        continue;
      }
      try {
        const onFailure = (error: unknown) => this.#log.debug('background per-collection call failed', { reason: grpcDetails(error) });
        const read = this.#want.collections ? await readCollection(this.#client, this.#caller, collection, onFailure) : undefined;
        const indexes = this.#want.indexes ? await readIndexes(this.#client, this.#caller, collection).catch(() => undefined) : undefined;
        this.#details.set(collectionKey(collection), {
          at: Date.now(),
          ...(read === undefined ? {} : { collection: read }),
          ...(indexes === undefined ? {} : { indexes }),
        });
      } catch (error) {
        if (this.#stop.signal.aborted) return;
        this.#log.debug('background collection read failed', { collection: collectionKey(collection), reason: grpcDetails(error) });
      }
    }
  }
}
