export type MetricType = 'counter' | 'gauge' | 'summary' | 'histogram' | 'untyped';

/** The sample name suffixes of summaries (`_sum`, `_count`) and histograms (those and `_bucket`). */
export type SampleSuffix = '_sum' | '_count' | '_bucket';

/** A metric as data: what a collector emits, checked on every sample and listed in the generated docs. */
export interface MetricDescriptor {
  /** Without the namespace. */
  readonly name: string;
  readonly type: MetricType;
  readonly help: string;
  readonly labels: readonly string[];
}

/**
 * Where the sink keeps what it worked out for a descriptor (its full name and family slot): on the descriptor
 * itself, hidden from enumeration, comparison and JSON. A WeakMap from descriptor to that record cost 40 %
 * of emitting a sample (550 samples emitted in a loop: 52 -> 29 µs).
 */
export const sinkState: unique symbol = Symbol('sinkState');

function makeDescriptor(name: string, type: MetricType, help: string, labels: readonly string[]): MetricDescriptor {
  const descriptor = { name, type, help, labels };
  Object.defineProperty(descriptor, sinkState, { value: undefined, writable: true, enumerable: false });
  return descriptor;
}

export const gauge = (name: string, help: string, labels: readonly string[] = []): MetricDescriptor => makeDescriptor(name, 'gauge', help, labels);
export const counter = (name: string, help: string, labels: readonly string[] = []): MetricDescriptor => makeDescriptor(name, 'counter', help, labels);
export const summary = (name: string, help: string, labels: readonly string[] = []): MetricDescriptor => makeDescriptor(name, 'summary', help, labels);
export const histogram = (name: string, help: string, labels: readonly string[] = []): MetricDescriptor => makeDescriptor(name, 'histogram', help, labels);
export const untyped = (name: string, help: string, labels: readonly string[] = []): MetricDescriptor => makeDescriptor(name, 'untyped', help, labels);
