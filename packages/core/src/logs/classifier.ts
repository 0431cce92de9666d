import type { MetricDescriptor } from '../metrics/descriptor.ts';
import type { MetricSink } from '../metrics/family.ts';

/** One parsed log line, whatever the engine's format. */
export interface LogRecord {
  /** Unix seconds, when the line carries a time. */
  readonly timestamp?: number;
  /** Normalised: debug, info, notice, warning, error, fatal. */
  readonly level: string;
  readonly message: string;
  /** Engine-specific extras (pid, role, thread, ...). */
  readonly attributes?: Readonly<Record<string, string>>;
}

/**
 * Engine-specific counters over every parsed line, beyond level and event counts (an access log's
 * requests by method and status, auth failures by user). `create` is called once per monitor.
 */
export interface LogTallySpec {
  readonly metrics: readonly MetricDescriptor[];
  create(): LogTally;
}

export interface LogTally {
  observe(record: LogRecord): void;
  describe(sink: MetricSink): void;
}

/** An engine's line format: undefined for a line it cannot parse (counted, never fatal). */
export type LogParser = (line: string) => LogRecord | undefined;

export interface ClassificationRule {
  readonly event: string;
  readonly severity: 'info' | 'warning' | 'critical';
  readonly pattern: RegExp;
  /** Named groups of `pattern` copied into the event; `client`/`user` are personal data (see events). */
  readonly fields?: readonly string[];
}

export interface ClassifiedEvent {
  readonly rule: ClassificationRule;
  readonly fields: Readonly<Record<string, string>>;
}

/** The first rule whose pattern matches the message; rules are ordered most specific first. */
export function classify(rules: readonly ClassificationRule[], message: string): ClassifiedEvent | undefined {
  for (const rule of rules) {
    const match = rule.pattern.exec(message);
    if (match === null) continue;
    const fields: Record<string, string> = {};
    for (const name of rule.fields ?? []) {
      const value = match.groups?.[name];
      if (value !== undefined) fields[name] = value;
    }
    return { rule, fields };
  }
  return undefined;
}
