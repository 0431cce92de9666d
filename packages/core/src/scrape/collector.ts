import type { MetricDescriptor } from '../metrics/descriptor.ts';
import type { MetricSink } from '../metrics/family.ts';

/**
 * The collector contract. A collector reads one concern out of a snapshot that the engine's target already
 * fetched (one round trip per scrape, plus the follow-up reads of engines that have them) and writes samples
 * to the sink. Core times it, isolates its errors
 * and reports its success; a collector never touches prom-client, the connection or the clock.
 */
export interface Collector<Caps, Snapshot> {
  readonly name: string;
  readonly help: string;
  readonly defaultEnabled: boolean;
  /** Every metric the collector can emit (catalogue fields aside); the source of the metric reference. */
  readonly metrics: readonly MetricDescriptor[];
  /** False means "not applicable to this target": nothing is sent and no success series is emitted. */
  applies?(caps: Caps): boolean;
  collect(snapshot: Snapshot, sink: MetricSink): void;
}

/** One scraped thing. `open` connects (or reuses) and detects capabilities; `fetch` gets every reply. */
export interface ScrapeTarget<Caps, Snapshot, C extends Collector<Caps, Snapshot> = Collector<Caps, Snapshot>> {
  open(signal: AbortSignal): Promise<Caps>;
  /**
   * What `open` would resolve to when a usable connection is already open, without waiting: a scrape on a
   * kept connection writes its commands before anything else (undefined: call `open`).
   */
  openNow?(): Caps | undefined;
  /** `deadline` is when `signal` aborts (ms since the epoch), for protocols that take a per-call timeout. */
  fetch(caps: Caps, collectors: readonly C[], signal: AbortSignal, deadline: number): Promise<Snapshot>;
  /** Metrics about the connection itself (connect duration, reconnects), added on every scrape. */
  describe?(sink: MetricSink): void;
  /** Whether a connection is open now (targets that keep one), for the multi-target connection cap. */
  readonly connected?: boolean;
  /**
   * Whether this kind of server runs the collector at all, beside the collector's own `applies` (a server
   * that answers only some commands). One function for every collector, instead of a wrapper per collector
   * and target.
   */
  accepts?(collector: C, caps: Caps): boolean;
}
