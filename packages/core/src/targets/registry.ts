import { errorText, KeepwatchError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { counter } from '../metrics/descriptor.ts';
import type { MetricFamily, MetricSink } from '../metrics/family.ts';
import type { Collector, ScrapeTarget } from '../scrape/collector.ts';
import { scrape } from '../scrape/engine.ts';
import { singleFlight } from '../scrape/single-flight.ts';
import type { TargetEntry } from './file.ts';

export interface BuiltTarget<Caps, Snapshot, C extends Collector<Caps, Snapshot>> {
  readonly target: ScrapeTarget<Caps, Snapshot, C> & { close(): Promise<void> };
  readonly collectors: readonly C[];
}

/** How an engine serves /scrape: it knows its addresses and how to connect with a profile's credentials. */
export interface MultiTargetSupport<Caps, Snapshot, C extends Collector<Caps, Snapshot>> {
  /** One spelling per server (`host:port` and `scheme://host:port/0` are one), or a KeepwatchError when it is no address. */
  canonical(address: string): string;
  /** Validates an entry of the targets file (a KeepwatchError naming `entry.where` when it is wrong); builds on first use. */
  prepare(entry: TargetEntry): { readonly display: string; build(log: Logger): BuiltTarget<Caps, Snapshot, C> };
  /** How the nodes of a cluster are found from one of them (entries with `cluster: true`), served as http_sd at `path`. */
  readonly discovery?: ClusterDiscovery<Caps, Snapshot, C>;
}

/** One node a cluster reports: an address /scrape then accepts, and labels for Prometheus' relabelling. */
export interface DiscoveredTarget {
  readonly address: string;
  readonly labels: Readonly<Record<string, string>>;
}

export interface ClusterDiscovery<Caps, Snapshot, C extends Collector<Caps, Snapshot>> {
  readonly path: string;
  /** The nodes the seed's cluster reports as usable now (failed ones left out). */
  discover(seed: BuiltTarget<Caps, Snapshot, C>['target'], signal: AbortSignal): Promise<DiscoveredTarget[]>;
}

/** Prometheus http_sd: target groups, or a refusal (Prometheus then keeps the targets it had). */
export type Discovery = { readonly groups: readonly { targets: string[]; labels: Record<string, string> }[] } | { readonly failed: string };

export const refusedRequests = counter(
  'exporter_scrape_requests_refused_total',
  'Requests to /scrape refused: no target given, or a target not listed in --scrape.config-file (probes for a server-side request forgery).',
  ['reason'],
);
const refusalReasons = ['missing_target', 'unlisted_target'] as const;

interface ScrapeOptions {
  readonly namespace: string;
  readonly budgetMs: number;
  readonly log: Logger;
}

interface Slot<Caps, Snapshot, C extends Collector<Caps, Snapshot>> {
  readonly display: string;
  readonly entry: TargetEntry;
  /** The seed whose cluster reported this node; undefined for the file's own entries. */
  readonly discoveredBy?: string;
  readonly build: (log: Logger) => BuiltTarget<Caps, Snapshot, C>;
  built?: { readonly log: Logger } & BuiltTarget<Caps, Snapshot, C>;
  /** Concurrent scrapes of one target share one in flight. */
  readonly scrape: (options: ScrapeOptions) => Promise<readonly MetricFamily[]>;
}

export type TargetScrape = { readonly families: readonly MetricFamily[] } | { readonly refused: string };

/**
 * The targets /scrape may scrape, and nothing else. Each keeps its own persistent connection and its own
 * collectors (their state, the ACL LOG position say, belongs to one server), opened on its first scrape;
 * concurrent scrapes of one target share one in flight, so load is bounded by the file's length.
 */
export class ScrapeTargets<Caps, Snapshot, C extends Collector<Caps, Snapshot>> {
  readonly #slots = new Map<string, Slot<Caps, Snapshot, C>>();
  readonly #support: MultiTargetSupport<Caps, Snapshot, C>;
  readonly #chooseCollectors: (registry: readonly C[]) => readonly C[];
  readonly #refused = new Map<string, number>(refusalReasons.map((reason) => [reason, 0]));

  /** `chooseCollectors` applies the collector flags to each target's registry, as for the exporter's own target. */
  constructor(entries: readonly TargetEntry[], support: MultiTargetSupport<Caps, Snapshot, C>, chooseCollectors: (registry: readonly C[]) => readonly C[]) {
    this.#support = support;
    this.#chooseCollectors = chooseCollectors;
    for (const entry of entries) {
      // prepare() first: its errors name the entry; canonical() only spells a valid address.
      const slot = this.#slot(entry);
      const key = support.canonical(entry.address);
      if (this.#slots.has(key)) throw new KeepwatchError('KW_ERR_TARGETS_FILE', `${entry.where}: ${slot.display} is listed twice`);
      this.#slots.set(key, slot);
    }
  }

  #slot(entry: TargetEntry, discoveredBy?: string): Slot<Caps, Snapshot, C> {
    const prepared = this.#support.prepare(entry);
    const slot: Slot<Caps, Snapshot, C> = {
      display: prepared.display,
      entry,
      ...(discoveredBy === undefined ? {} : { discoveredBy }),
      build: prepared.build,
      scrape: singleFlight((options: ScrapeOptions) => this.#scrapeSlot(slot, options)),
    };
    return slot;
  }

  #built(slot: Slot<Caps, Snapshot, C>, parentLog: Logger): NonNullable<Slot<Caps, Snapshot, C>['built']> {
    if (slot.built === undefined) {
      // One logger per target, built once: its warn-once memory is what keeps a failing target from flooding the log.
      const log = parentLog.child({ target: slot.display });
      const { target, collectors } = slot.build(log);
      slot.built = { log, target, collectors: this.#chooseCollectors(collectors) };
    }
    return slot.built;
  }

  /** Where the discovery endpoint is served, when the engine has one and the file names a cluster. */
  get discoveryPath(): string | undefined {
    const seeds = [...this.#slots.values()].some((slot) => slot.entry.cluster === true);
    return seeds ? this.#support.discovery?.path : undefined;
  }

  /**
   * Asks each cluster seed of the file for its nodes: each node becomes a target /scrape accepts (with the
   * seed's auth profile) and one http_sd group. Nodes a seed no longer reports stop being targets. If any
   * seed cannot answer, the whole answer fails, so Prometheus keeps the targets it had.
   */
  async discover(options: { budgetMs: number; log: Logger }): Promise<Discovery> {
    const discovery = this.#support.discovery;
    if (discovery === undefined) return { failed: 'this exporter has no cluster discovery' };
    const signal = AbortSignal.timeout(options.budgetMs);
    const groups: { targets: string[]; labels: Record<string, string> }[] = [];
    for (const [seedKey, seed] of [...this.#slots].filter(([, slot]) => slot.entry.cluster === true)) {
      let nodes: DiscoveredTarget[];
      try {
        nodes = await discovery.discover(this.#built(seed, options.log).target, signal);
      } catch (error) {
        options.log.warn('cluster discovery failed', { seed: seed.display, reason: errorText(error) });
        return { failed: `cannot discover the nodes of ${seed.display}: ${errorText(error)}` };
      }
      const current = new Set<string>();
      for (const node of nodes) {
        const key = this.#support.canonical(node.address);
        current.add(key);
        if (!this.#slots.has(key)) {
          const entry = { ...seed.entry, address: node.address, where: `${seed.entry.where} (node ${node.address} of its cluster)`, cluster: false };
          this.#slots.set(key, this.#slot(entry, seedKey));
        }
        groups.push({ targets: [node.address], labels: { ...node.labels, __meta_keepwatch_cluster_seed: seed.display } });
      }
      for (const [key, slot] of this.#slots) {
        if (slot.discoveredBy !== seedKey || current.has(key)) continue;
        this.#slots.delete(key);
        await slot.built?.target.close();
      }
    }
    return { groups };
  }

  get size(): number {
    return this.#slots.size;
  }

  scrape(requested: string | undefined, options: ScrapeOptions): Promise<TargetScrape> {
    if (requested === undefined || requested === '') return Promise.resolve(this.#refuse('missing_target', 'the target parameter is required'));
    let key: string | undefined;
    try {
      key = this.#support.canonical(requested);
    } catch {
      key = undefined;
    }
    const slot = key === undefined ? undefined : this.#slots.get(key);
    if (slot === undefined) return Promise.resolve(this.#refuse('unlisted_target', 'the target is not listed in --scrape.config-file'));
    return slot.scrape(options).then((families) => ({ families }));
  }

  /** The refusal counters, for the exporter's own /metrics. */
  describe(sink: MetricSink): void {
    for (const [reason, count] of this.#refused) sink.emit(refusedRequests, count, { reason });
  }

  async close(): Promise<void> {
    await Promise.all([...this.#slots.values()].map((slot) => slot.built?.target.close()));
  }

  #refuse(reason: (typeof refusalReasons)[number], message: string): TargetScrape {
    this.#refused.set(reason, (this.#refused.get(reason) ?? 0) + 1);
    return { refused: message };
  }

  async #scrapeSlot(slot: Slot<Caps, Snapshot, C>, options: ScrapeOptions): Promise<readonly MetricFamily[]> {
    const { log, target, collectors } = this.#built(slot, options.log);
    const sink = await scrape({ namespace: options.namespace, target, collectors, budgetMs: options.budgetMs, log });
    return sink.families();
  }
}
