export { counter, gauge, histogram, type MetricDescriptor, type MetricType, type SampleSuffix, summary, untyped } from './descriptor.ts';
export { openMetricsContentType, prometheusContentType, renderExposition, wantsOpenMetrics } from './exposition.ts';
export { type Labels, type MetricFamily, MetricSink, type Sample } from './family.ts';
export { detached, LabelCap, overflowLabelValue } from './label-cap.ts';
export { labelSets, lasting } from './label-sets.ts';
export { describeProcess, processMetrics } from './process.ts';
export { decimalExponent, exactPowersOfTen, scaled } from './scale.ts';
