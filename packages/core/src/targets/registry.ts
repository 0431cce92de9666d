import { KeepwatchError } from '../errors.ts';
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
}

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
      const prepared = support.prepare(entry);
      const key = support.canonical(entry.address);
      if (this.#slots.has(key)) throw new KeepwatchError('KW_ERR_TARGETS_FILE', `${entry.where}: ${prepared.display} is listed twice`);
      const slot: Slot<Caps, Snapshot, C> = {
        display: prepared.display,
        build: prepared.build,
        scrape: singleFlight((options: ScrapeOptions) => this.#scrapeSlot(slot, options)),
      };
      this.#slots.set(key, slot);
    }
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
    if (slot.built === undefined) {
      // One logger per target, built once: its warn-once memory is what keeps a failing target from flooding the log.
      const log = options.log.child({ target: slot.display });
      const { target, collectors } = slot.build(log);
      slot.built = { log, target, collectors: this.#chooseCollectors(collectors) };
    }
    const { log, target, collectors } = slot.built;
    const sink = await scrape({ namespace: options.namespace, target, collectors, budgetMs: options.budgetMs, log });
    return sink.families();
  }
}
