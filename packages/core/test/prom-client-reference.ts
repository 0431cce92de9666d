import promClient from 'prom-client';
import type { MetricFamily } from '../src/metrics/family.ts';

// The typings omit the constructor's content-type parameter, which the runtime has (lib/registry.js).
const Registry = promClient.Registry as unknown as { new (contentType: string): promClient.Registry } & typeof promClient.Registry;

/**
 * The reference exposition: the same families through a fresh prom-client Registry, as plain objects whose
 * get() returns the values read (and reports `this.name`, which the registry renames for OpenMetrics
 * counters). renderExposition must print exactly this.
 */
export async function prometheusClientExposition(families: readonly MetricFamily[], openMetrics: boolean): Promise<string> {
  const registry = new Registry(openMetrics ? Registry.OPENMETRICS_CONTENT_TYPE : Registry.PROMETHEUS_CONTENT_TYPE);
  for (const family of families) {
    const metric = {
      name: family.name,
      help: family.help,
      type: family.type,
      async get() {
        return { name: this.name, help: family.help, type: family.type, aggregator: 'sum', values: family.samples.map((sample) => ({ ...sample })) };
      },
    };
    registry.registerMetric(metric as unknown as promClient.Metric);
  }
  return registry.metrics();
}
