import { counter, decimalExponent, gauge, type MetricDescriptor, type MetricSink, type MetricType } from '@keepwatch/core/metrics';
import { memoized } from '../memoized.ts';
import { type InfoDocument, type KeyResolver, parseNumber } from './info.ts';

/** How a field's text becomes a number. */
export type FieldParse =
  | 'number'
  /** `12.5%` or `12.5` meaning percent, exported as a 0..1 ratio. */
  | 'percent'
  /** `ok` is 1, anything else (`err`) 0. */
  | 'status'
  /**
   * `<seconds>.<microseconds>` as printed by `%ld.%ld`: Dragonfly does not zero-pad the microseconds
   * (`23.13618` is 23.013618 s); Valkey and Redis pad them, which reads the same.
   */
  | 'secondsMicros';

export interface FieldSpec {
  readonly field: string;
  /** Metric name without the namespace. */
  readonly metric: string;
  readonly type: Extract<MetricType, 'counter' | 'gauge'>;
  readonly help: string;
  /** Multiplier into base units (1e-6 for microseconds, 1024 for KiB). */
  readonly scale?: number;
  readonly parse?: FieldParse;
}

type FieldOptions = Pick<FieldSpec, 'scale' | 'parse'>;
export const gaugeField = (field: string, metric: string, help: string, options: FieldOptions = {}): FieldSpec => ({
  field,
  metric,
  type: 'gauge',
  help,
  ...options,
});
export const counterField = (field: string, metric: string, help: string, options: FieldOptions = {}): FieldSpec => ({
  field,
  metric,
  type: 'counter',
  help,
  ...options,
});

/** A numeric field deliberately not exported as a metric of its own, with the reason (shown in the docs). */
export interface IgnoredField {
  readonly field: string;
  readonly reason: string;
}

export interface Catalogue {
  readonly fields: readonly FieldSpec[];
  readonly ignored: readonly IgnoredField[];
  /** Keys whose lines are records handled by a dedicated collector (slaveN, listenerN, ...). */
  readonly structured: readonly RegExp[];
  /** Whole sections handled by dedicated collectors (commandstats, errorstats, ...), whatever their keys look like. */
  readonly structuredSections?: readonly string[];
}

export function fieldValue(spec: FieldSpec, raw: string): number | undefined {
  switch (spec.parse ?? 'number') {
    case 'status':
      return raw === 'ok' ? 1 : 0;
    case 'secondsMicros': {
      const match = /^(\d+)\.(\d{1,6})$/.exec(raw);
      return match === null ? parseNumber(raw) : Number(`${match[1]}.${(match[2] as string).padStart(6, '0')}`);
    }
    case 'percent':
      return parseNumber(raw.endsWith('%') ? raw.slice(0, -1) : raw, -2);
    default: {
      const scale = spec.scale ?? 1;
      const exponent = decimalExponent(scale);
      if (exponent !== undefined) return parseNumber(raw, exponent);
      const value = parseNumber(raw);
      return value === undefined ? undefined : value * scale;
    }
  }
}

export interface CatalogueResult {
  /** Numeric fields the catalogue does not know, in order. */
  readonly unknown: readonly string[];
}

/**
 * Maps every catalogued field present in `info` to its metric. Unknown numeric fields are never silently
 * lost: they are returned (and counted by the caller) and, on request, exported as untyped
 * `<ns>_info_<field>` so a new server version's fields are visible before the catalogue learns them.
 */
export function applyCatalogue(
  info: InfoDocument,
  catalogue: Catalogue,
  sink: MetricSink,
  options: { source: string; exportUnknown: boolean },
): CatalogueResult {
  const specs = catalogueIndex(catalogue);
  const unknown: string[] = [];
  const exported = new Set<string>();
  const { keys, values, sectionOf } = info;
  for (let index = 0; index < keys.length; index += 1) {
    if (specs.structuredSections.has(sectionOf[index] as string)) continue;
    const value = values[index] as string;
    const field = info.resolved(index, specs);
    if (field === 'ignored') continue;
    if (field !== 'unknown') {
      const parsed = fieldValue(field.spec, value);
      if (parsed !== undefined) sink.emit(field.descriptor, parsed);
      continue;
    }
    const key = keys[index] as string;
    const parsed = parseNumber(value);
    if (parsed === undefined) continue;
    unknown.push(key);
    const name = `info_${key.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`;
    // Two keys can sanitize to one name (`a-b`, `a_b`); the second would repeat a series.
    if (options.exportUnknown && !exported.has(name)) {
      exported.add(name);
      sink.add(name, 'untyped', `Uncatalogued numeric field, exported as read (${options.source} ${key})`, parsed);
    }
  }
  return { unknown };
}

/** A loop rather than `some` with a closure: a closure over `key` gave every field of every scrape a context of its own. */
function matchesAny(patterns: readonly RegExp[], key: string): boolean {
  for (const pattern of patterns) if (pattern.test(key)) return true;
  return false;
}

/** What a key is to a catalogue: a field (with its metric as a descriptor, which the sink finds faster than a name), or not. */
type Resolution = { readonly spec: FieldSpec; readonly descriptor: MetricDescriptor } | 'ignored' | 'unknown';

/** A catalogue's lookups, which INFO documents remember per key (`InfoDocument.resolved`). */
class CatalogueIndex implements KeyResolver<Resolution> {
  readonly structuredSections: ReadonlySet<string>;
  readonly #fields: ReadonlyMap<string, Resolution>;
  readonly #ignored: ReadonlySet<string>;
  readonly #structured: readonly RegExp[];

  constructor(catalogue: Catalogue) {
    this.structuredSections = new Set(catalogue.structuredSections);
    this.#fields = new Map(
      catalogue.fields.map((spec) => [
        spec.field,
        { spec, descriptor: spec.type === 'counter' ? counter(spec.metric, spec.help) : gauge(spec.metric, spec.help) },
      ]),
    );
    this.#ignored = new Set(catalogue.ignored.map((entry) => entry.field));
    this.#structured = catalogue.structured;
  }

  resolve(key: string): Resolution {
    return this.#fields.get(key) ?? (this.#ignored.has(key) || matchesAny(this.#structured, key) ? 'ignored' : 'unknown');
  }
}

const catalogueIndex = memoized((catalogue: Catalogue) => new CatalogueIndex(catalogue));
