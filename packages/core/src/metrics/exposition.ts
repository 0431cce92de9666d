import promClient from 'prom-client';
import type { MetricFamily } from './family.ts';

// The typings omit the constructor's content-type parameter, which the runtime has (lib/registry.js).
const Registry = promClient.Registry as unknown as { new (contentType: string): promClient.Registry } & typeof promClient.Registry;

export const prometheusContentType = Registry.PROMETHEUS_CONTENT_TYPE;
export const openMetricsContentType = Registry.OPENMETRICS_CONTENT_TYPE;

export function wantsOpenMetrics(accept: string | undefined): boolean {
  return accept?.includes('application/openmetrics-text') ?? false;
}

/**
 * prom-client is only the formatter: a fresh Registry per scrape, filled with plain objects whose get()
 * returns the values already read. get() must report `this.name`, because for OpenMetrics the registry
 * strips `_total` from the registered name and appends it to each sample.
 */
export async function renderExposition(families: readonly MetricFamily[], openMetrics: boolean): Promise<string> {
  const registry = new Registry(openMetrics ? openMetricsContentType : prometheusContentType);
  for (const family of families) {
    const metric = {
      name: family.name,
      help: family.help,
      type: family.type,
      async get() {
        return {
          name: this.name,
          help: family.help,
          type: family.type,
          aggregator: 'sum',
          values: family.samples.map((sample) => ({
            labels: sample.labels,
            value: sample.value,
            ...(sample.suffix === undefined ? {} : { metricName: `${this.name}${sample.suffix}` }),
          })),
        };
      },
    };
    // The one place a plain object stands in for a prom-client metric class (see DESIGN.md).
    registry.registerMetric(metric as unknown as promClient.Metric);
  }
  return registry.metrics();
}
