import { selector, seriesSelector } from '../../alert.ts';
import type { MonitoringConfig } from '../../config.ts';
import type { RespEngine } from './engines.ts';

/** The labels of the one instance in the promtool cases. */
export const node = { job: 'db', instance: 'a:9866' };

/** What every Redis-protocol alert is built from: the engine, the config and the helpers over its metric prefix. */
export interface RespAlertContext {
  readonly engine: RespEngine;
  readonly config: MonitoringConfig;
  /** The metric prefix (the exporter's --namespace), from the config. */
  readonly ns: string;
  readonly title: string;
  /** A rule selector: `<ns>_<metric>{configured selector, extra}`. */
  m(metric: string, extra?: string): string;
  /** A promtool input series of `<ns>_<metric>`. */
  s(metric: string, labels?: Record<string, string>): string;
  readonly t: MonitoringConfig['thresholds'];
  readonly w: MonitoringConfig['windows'];
  /** The labels of one replication group, as a `by (...)` list. */
  readonly group: string;
}

export function respAlertContext(engine: RespEngine, config: MonitoringConfig): RespAlertContext {
  const ns = config.prefixes[engine.id];
  return {
    engine,
    config,
    ns,
    title: engine.title,
    m: (metric, extra = '') => selector(`${ns}_${metric}`, config.selectors[engine.id], extra),
    s: (metric, labels = node) => seriesSelector(`${ns}_${metric}`, labels),
    t: config.thresholds,
    w: config.windows,
    group: config.replicationGroupLabels.join(', '),
  };
}
