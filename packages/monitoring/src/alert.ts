/** One alert as data: the rule, the runbook, and the promtool cases that prove it fires and stays silent. */
export interface AlertSpec {
  /** CamelCase, engine prefix first. */
  readonly name: string;
  readonly severity: 'critical' | 'warning' | 'info';
  readonly expr: string;
  readonly for: string;
  /** Static, one sentence ending with a period. */
  readonly summary: string;
  /** Templated with $labels and $value. */
  readonly description: string;
  readonly runbook: { readonly meaning: string; readonly confirm: string; readonly action: string };
  readonly cases: readonly AlertCase[];
  /** Meaningless while the target is down: labelled `symptom: "true"`, inhibited by the Down alert in Alertmanager. */
  readonly symptom?: boolean;
  /**
   * The same alert over the shipped log events (--log.events-output), for Loki's ruler: events of these names
   * within `window`, per server (and per these event fields), above `above`.
   */
  readonly logEvents?: { readonly events: readonly string[]; readonly window: string; readonly above: number; readonly by?: readonly string[] };
}

/** Series for promtool, sampled every minute: selector -> expanding notation (`0x4 5+5x10`). */
export type Series = Readonly<Record<string, string>>;

export interface AlertCase {
  /** Why this case exists: "a brute force", "a counter reset", "maxmemory 0", ... */
  readonly name: string;
  readonly series: Series;
  /** Evaluation time, e.g. `12m`. */
  readonly at: string;
  /** Expected alerts: labels beyond severity, and the rendered description. Empty: must not fire. */
  readonly fires: readonly { readonly labels: Readonly<Record<string, string>>; readonly description: string }[];
}

/** `metric{matchers}` with the configured selector merged in. */
export function selector(metric: string, configured: string, extra = ''): string {
  const matchers = [configured, extra].filter((part) => part !== '').join(', ');
  return matchers === '' ? metric : `${metric}{${matchers}}`;
}

/**
 * Events within `window` of a counter that the exporter creates at its first event (ACL LOG and access-log
 * counters): `increase()` for a series that existed a window ago, the whole value for one that did not
 * (`increase()` alone never sees the event that created the series).
 */
export function eventsWithin(series: string, window: string): string {
  return `((increase(${series}[${window}]) and ${series} offset ${window}) or (${series} unless ${series} offset ${window}))`;
}

/** A promtool input series: `metric{key="value", ...}`. */
export function seriesSelector(metric: string, labels: Readonly<Record<string, string>>): string {
  return `${metric}{${Object.entries(labels)
    .map(([key, value]) => `${key}="${value}"`)
    .join(', ')}}`;
}
