import { errorText, KeepwatchError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { counter, gauge } from '../metrics/descriptor.ts';
import type { MetricSink } from '../metrics/family.ts';
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

const fleetMetrics = {
  targets: gauge('exporter_scrape_targets', 'Servers /scrape accepts: listed in --scrape.config-file, or nodes a listed cluster reported.', ['source']),
  connections: gauge('exporter_scrape_target_connections', 'Target connections open now (at most --scrape.max-connections).'),
  closed: counter(
    'exporter_scrape_target_connections_closed_total',
    'Target connections closed to stay within --scrape.max-connections (cap) or after --scrape.idle-timeout without a scrape (idle); the next scrape reopens them.',
    ['reason'],
  ),
  reloads: counter(
    'exporter_scrape_config_reloads_total',
    'Reloads of --scrape.config-file (on SIGHUP and when it changes); a failed one keeps the targets it had.',
    ['result'],
  ),
};

/** Every metric /scrape's registry adds to the exporter's own, for the metric reference. */
export const multiTargetMetrics = [refusedRequests, ...Object.values(fleetMetrics)];

/** Bounds on the connections of a large targets file. */
export interface ConnectionLimits {
  /** Open target connections at most; beyond, the least recently scraped one is closed. */
  readonly maxConnections: number;
  /** A target not scraped for this long has its connection closed. */
  readonly idleTimeoutMs: number;
}

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
  readonly scrape: (options: ScrapeOptions) => Promise<readonly MetricSink[]>;
  /** The scrape in flight, which a close waits for. */
  inFlight?: Promise<unknown>;
  lastScrapedAt: number;
}

export type TargetScrape = { readonly sinks: readonly MetricSink[] } | { readonly refused: string };

/** Two entries that scrape the same way: same address spelling, credentials and cluster flag. */
function sameEntry(a: TargetEntry, b: TargetEntry): boolean {
  return a.address === b.address && a.cluster === b.cluster && JSON.stringify(a.credentials) === JSON.stringify(b.credentials);
}

/**
 * The targets /scrape may scrape, and nothing else. Each keeps its own persistent connection and its own
 * collectors (their state, the ACL LOG position say, belongs to one server), opened on its first scrape;
 * concurrent scrapes of one target share one in flight. Connections are bounded: at most `maxConnections`
 * open (the least recently scraped is closed first) and none idle longer than `idleTimeoutMs`; a closed
 * connection reopens on the target's next scrape, with its collectors' state kept.
 */
export class ScrapeTargets<Caps, Snapshot, C extends Collector<Caps, Snapshot>> {
  #slots = new Map<string, Slot<Caps, Snapshot, C>>();
  readonly #support: MultiTargetSupport<Caps, Snapshot, C>;
  readonly #chooseCollectors: (registry: readonly C[]) => readonly C[];
  readonly #limits: ConnectionLimits;
  readonly #refused = new Map<string, number>(refusalReasons.map((reason) => [reason, 0]));
  readonly #closed = new Map<string, number>([
    ['cap', 0],
    ['idle', 0],
  ]);
  readonly #reloads = new Map<string, number>([
    ['success', 0],
    ['failure', 0],
  ]);
  readonly #sweep: NodeJS.Timeout;

  /** `chooseCollectors` applies the collector flags to each target's registry, as for the exporter's own target. */
  constructor(
    entries: readonly TargetEntry[],
    support: MultiTargetSupport<Caps, Snapshot, C>,
    chooseCollectors: (registry: readonly C[]) => readonly C[],
    limits: ConnectionLimits = { maxConnections: 1000, idleTimeoutMs: 300_000 },
  ) {
    this.#support = support;
    this.#chooseCollectors = chooseCollectors;
    this.#limits = limits;
    this.#slots = this.#fileSlots(entries, new Map());
    this.#sweep = setInterval(() => this.#closeIdle(), Math.min(30_000, Math.max(1000, limits.idleTimeoutMs / 2)));
    this.#sweep.unref();
  }

  /**
   * The slots of the file's entries, validated all together before anything changes: an entry that scrapes
   * as before keeps its slot from `previous` (its connection and collector state).
   */
  #fileSlots(entries: readonly TargetEntry[], previous: ReadonlyMap<string, Slot<Caps, Snapshot, C>>): Map<string, Slot<Caps, Snapshot, C>> {
    const slots = new Map<string, Slot<Caps, Snapshot, C>>();
    for (const entry of entries) {
      // prepare() first: its errors name the entry; canonical() only spells a valid address.
      const fresh = this.#slot(entry);
      const key = this.#support.canonical(entry.address);
      if (slots.has(key)) throw new KeepwatchError('KW_ERR_TARGETS_FILE', `${entry.where}: ${fresh.display} is listed twice`);
      const kept = previous.get(key);
      slots.set(key, kept !== undefined && kept.discoveredBy === undefined && sameEntry(kept.entry, entry) ? kept : fresh);
    }
    return slots;
  }

  #slot(entry: TargetEntry, discoveredBy?: string): Slot<Caps, Snapshot, C> {
    const prepared = this.#support.prepare(entry);
    const slot: Slot<Caps, Snapshot, C> = {
      display: prepared.display,
      entry,
      ...(discoveredBy === undefined ? {} : { discoveredBy }),
      build: prepared.build,
      scrape: singleFlight((options: ScrapeOptions) => this.#scrapeSlot(slot, options)),
      lastScrapedAt: 0,
    };
    return slot;
  }

  /**
   * Takes the targets file again: new entries become targets, removed or changed ones stop being (their
   * connection closes once a scrape in flight has finished), unchanged ones keep their connection and state,
   * and the nodes of clusters still listed stay. A file with a mistake changes nothing and throws.
   */
  reload(load: () => readonly TargetEntry[]): { added: number; removed: number } {
    let next: Map<string, Slot<Caps, Snapshot, C>>;
    try {
      next = this.#fileSlots(load(), this.#slots);
    } catch (error) {
      this.#reloads.set('failure', (this.#reloads.get('failure') ?? 0) + 1);
      throw error;
    }
    for (const [key, slot] of this.#slots) {
      if (slot.discoveredBy !== undefined && next.get(slot.discoveredBy)?.entry.cluster === true && !next.has(key)) next.set(key, slot);
    }
    let removed = 0;
    for (const [key, slot] of this.#slots) {
      if (next.get(key) === slot) continue;
      removed += 1;
      void this.#closeWhenIdle(slot);
    }
    const added = [...next].filter(([key, slot]) => this.#slots.get(key) !== slot).length;
    this.#slots = next;
    this.#reloads.set('success', (this.#reloads.get('success') ?? 0) + 1);
    return { added, removed };
  }

  async #closeWhenIdle(slot: Slot<Caps, Snapshot, C>): Promise<void> {
    await slot.inFlight?.catch(() => undefined);
    await slot.built?.target.close();
  }

  /** The file's targets as one Prometheus http_sd group, so Prometheus needs no second copy of the list. */
  fileTargets(): { targets: string[]; labels: Record<string, string> }[] {
    const targets = [...this.#slots.values()].filter((slot) => slot.discoveredBy === undefined).map((slot) => slot.entry.address);
    return [{ targets, labels: {} }];
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
        await this.#closeWhenIdle(slot);
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
    return slot.scrape(options).then((sinks) => ({ sinks }));
  }

  /** The refusal, connection and reload counters, for the exporter's own /metrics. */
  describe(sink: MetricSink): void {
    for (const [reason, count] of this.#refused) sink.emit(refusedRequests, count, { reason });
    const slots = [...this.#slots.values()];
    sink.emit(fleetMetrics.targets, slots.filter((slot) => slot.discoveredBy === undefined).length, { source: 'file' });
    sink.emit(fleetMetrics.targets, slots.filter((slot) => slot.discoveredBy !== undefined).length, { source: 'cluster' });
    sink.emit(fleetMetrics.connections, this.#open().length);
    for (const [reason, count] of this.#closed) sink.emit(fleetMetrics.closed, count, { reason });
    for (const [result, count] of this.#reloads) sink.emit(fleetMetrics.reloads, count, { result });
  }

  async close(): Promise<void> {
    clearInterval(this.#sweep);
    await Promise.all([...this.#slots.values()].map((slot) => slot.built?.target.close()));
  }

  #refuse(reason: (typeof refusalReasons)[number], message: string): TargetScrape {
    this.#refused.set(reason, (this.#refused.get(reason) ?? 0) + 1);
    return { refused: message };
  }

  #open(): Slot<Caps, Snapshot, C>[] {
    return [...this.#slots.values()].filter((slot) => slot.built?.target.connected === true);
  }

  #evict(slot: Slot<Caps, Snapshot, C>, reason: 'cap' | 'idle'): void {
    this.#closed.set(reason, (this.#closed.get(reason) ?? 0) + 1);
    void slot.built?.target.close();
  }

  #closeIdle(): void {
    const before = Date.now() - this.#limits.idleTimeoutMs;
    for (const slot of this.#open()) if (slot.inFlight === undefined && slot.lastScrapedAt < before) this.#evict(slot, 'idle');
  }

  /** Before a target without a connection opens one: close the least recently scraped idle ones beyond the cap. */
  #makeRoom(slot: Slot<Caps, Snapshot, C>): void {
    if (slot.built?.target.connected === true) return;
    const open = this.#open();
    let excess = open.length + 1 - this.#limits.maxConnections;
    const idle = open.filter((candidate) => candidate.inFlight === undefined).sort((a, b) => a.lastScrapedAt - b.lastScrapedAt);
    for (const candidate of idle) {
      if (excess <= 0) break;
      this.#evict(candidate, 'cap');
      excess -= 1;
    }
  }

  async #scrapeSlot(slot: Slot<Caps, Snapshot, C>, options: ScrapeOptions): Promise<readonly MetricSink[]> {
    const { log, target, collectors } = this.#built(slot, options.log);
    this.#makeRoom(slot);
    slot.lastScrapedAt = Date.now();
    const running = scrape({ namespace: options.namespace, target, collectors, budgetMs: options.budgetMs, log });
    slot.inFlight = running;
    try {
      return [await running];
    } finally {
      slot.inFlight = undefined;
      slot.lastScrapedAt = Date.now();
    }
  }
}
