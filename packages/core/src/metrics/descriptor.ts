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

export const gauge = (name: string, help: string, labels: readonly string[] = []): MetricDescriptor => ({ name, type: 'gauge', help, labels });
export const counter = (name: string, help: string, labels: readonly string[] = []): MetricDescriptor => ({ name, type: 'counter', help, labels });
export const summary = (name: string, help: string, labels: readonly string[] = []): MetricDescriptor => ({ name, type: 'summary', help, labels });
export const histogram = (name: string, help: string, labels: readonly string[] = []): MetricDescriptor => ({ name, type: 'histogram', help, labels });
export const untyped = (name: string, help: string, labels: readonly string[] = []): MetricDescriptor => ({ name, type: 'untyped', help, labels });
