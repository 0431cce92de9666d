import { errorText, KeepwatchError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { counter, gauge, summary } from '../metrics/descriptor.ts';
import { type Labels, MetricSink } from '../metrics/family.ts';
import { labelSets, lasting } from '../metrics/label-sets.ts';
import type { Collector, ScrapeTarget } from './collector.ts';
import { raceSignal } from './deadline.ts';

export interface ScrapeOptions<Caps, Snapshot, C extends Collector<Caps, Snapshot>> {
  namespace: string;
  target: ScrapeTarget<Caps, Snapshot, C>;
  collectors: readonly C[];
  budgetMs: number;
  log: Logger;
  /**
   * Called exactly once per scrape: as soon as the target's requests are on the wire (or when the target
   * could not be reached), so that work which does not need the replies overlaps the round trip.
   */
  whileFetching?: () => void;
}

/** The metrics core adds to every scrape, whatever the engine. */
export const engineMetrics = {
  up: gauge('up', 'Whether the target answered the exporter (connected and its main status command read): 1 yes, 0 no.'),
  success: gauge('exporter_collector_success', 'Whether the collector succeeded during this scrape: 1 yes, 0 no.', ['collector']),
  duration: gauge('exporter_collector_duration_seconds', 'Time the collector took during this scrape, in seconds.', ['collector']),
  // A summary (sum and count over the target's scrapes) and the last one as a gauge: the names and types the
  // incumbent exporters use, so a drop-in namespace never gives one name two types.
  scrapes: summary('exporter_scrape_duration_seconds', 'Time the scrapes of this target took, in seconds (sum and count since the exporter started).'),
  lastScrape: gauge('exporter_last_scrape_duration_seconds', 'Time the latest scrape of this target took, in seconds.'),
} as const;

/** Sum and count of each target's scrape durations; a target that is dropped takes its totals with it. */
const scrapeTotals = new WeakMap<object, { sum: number; count: number }>();

/** Metrics about a target's persistent connection, for targets that keep one. */
export const connectionMetrics = {
  connects: counter('exporter_connects_total', 'Connections the exporter opened to the target (first one and reconnects).'),
  connectDuration: gauge(
    'exporter_last_connect_duration_seconds',
    'Time the latest successful connection took (transport, TLS, authentication and capability detection), in seconds.',
  ),
};

/** Runs one scrape of one target under one deadline and returns the filled sink. Never throws. */
export async function scrape<Caps, Snapshot, C extends Collector<Caps, Snapshot>>(options: ScrapeOptions<Caps, Snapshot, C>): Promise<MetricSink> {
  const { namespace, target, collectors, log } = options;
  const started = performance.now();
  // Made once the commands are written: nothing that can wait runs before them.
  let sink: MetricSink | undefined;
  // Not AbortSignal.timeout: its timer outlives a finished scrape by the whole budget, and at a high scrape
  // rate thousands of pending timers and signals were promoted to the old generation and collected there.
  const deadlineController = new AbortController();
  const deadlineTimer = setTimeout(() => deadlineController.abort(new DOMException('scrape deadline passed', 'TimeoutError')), options.budgetMs);
  const signal = deadlineController.signal;
  const deadline = Date.now() + options.budgetMs;
  let up = 0;
  let overlapped = false;
  const overlap = () => {
    if (overlapped) return;
    overlapped = true;
    options.whileFetching?.();
  };
  try {
    const caps = target.openNow?.() ?? (await raceSignal(target.open(signal), signal));
    const applicable = collectors.filter((collector) => (target.accepts?.(collector, caps) ?? true) && (collector.applies?.(caps) ?? true));
    const replies = target.fetch(caps, applicable, signal, deadline);
    overlap();
    sink = new MetricSink(namespace);
    const snapshot = await raceSignal(replies, signal);
    up = 1;
    for (const collector of applicable) runCollector(collector, snapshot, sink, log);
  } catch (error) {
    const reason = signal.aborted
      ? new KeepwatchError('KW_ERR_TARGET_TIMEOUT', `no answer within the scrape deadline of ${options.budgetMs} ms`).toLine()
      : errorText(error);
    log.warn('scrape failed', { reason });
  } finally {
    clearTimeout(deadlineTimer);
    overlap();
  }
  sink ??= new MetricSink(namespace);
  sink.emit(engineMetrics.up, up);
  target.describe?.(sink);
  const seconds = secondsSince(started);
  const totals = scrapeTotals.get(target) ?? { sum: 0, count: 0 };
  totals.sum += seconds;
  totals.count += 1;
  scrapeTotals.set(target, totals);
  sink.emit(engineMetrics.scrapes, toMicroseconds(totals.sum), undefined, '_sum');
  sink.emit(engineMetrics.scrapes, totals.count, undefined, '_count');
  sink.emit(engineMetrics.lastScrape, seconds);
  return sink;
}

/**
 * Durations to the microsecond: beyond it the digits are the clock's noise (`0.0007825779999999441`), which
 * cost the exposition bytes and gzip its matches.
 */
const toMicroseconds = (seconds: number) => Math.round(seconds * 1e6) / 1e6;
export const secondsSince = (started: number) => toMicroseconds((performance.now() - started) / 1000);

/** `{ collector }` per collector name: every scrape labels two samples per collector with it. */
const collectorLabels = labelSets((collector: string): Labels => lasting({ collector }));

function runCollector<Caps, Snapshot>(collector: Collector<Caps, Snapshot>, snapshot: Snapshot, sink: MetricSink, log: Logger): void {
  const started = performance.now();
  let success = 1;
  sink.checkpoint();
  try {
    collector.collect(snapshot, sink);
    sink.commit();
  } catch (error) {
    sink.rollback();
    success = 0;
    log.warnOnce(`collector ${collector.name} failed`, { collector: collector.name, reason: errorText(error) });
  }
  const labels = collectorLabels(collector.name);
  sink.emit(engineMetrics.success, success, labels);
  sink.emit(engineMetrics.duration, secondsSince(started), labels);
}
