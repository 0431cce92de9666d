import { exactPowersOfTen } from '@keepwatch/core/metrics';
export interface InfoDocument {
  /** The `key:value` lines' keys, values and sections (lower-cased), index by index in the reply's order. */
  readonly keys: readonly string[];
  readonly values: readonly string[];
  readonly sectionOf: readonly string[];
  /** Section names in order of appearance, lower-cased (`cpu`, `keyspace`, ...). */
  readonly sections: readonly string[];
  /**
   * What `resolver` makes of the key at `index`, computed once per key for the process (not per reply) while
   * the same resolver asks: a scrape looks up every key of INFO ALL in the catalogue.
   */
  resolved<T>(index: number, resolver: KeyResolver<T>): T;
  get(key: string): string | undefined;
  /** The field as a finite number, or undefined. */
  number(key: string): number | undefined;
  /** `compute`'s result for this document, computed on the first call: records that several collectors read. */
  derived<T>(compute: (info: InfoDocument) => T): T;
}

export interface KeyResolver<T> {
  resolve(key: string): T;
}

/** What the process knows of one INFO key: the parse it was last seen in, and the last resolver's answer. */
interface KeyEntry {
  seenIn: number;
  resolver: KeyResolver<unknown> | undefined;
  resolved: unknown;
}

/** Where each key `get` was asked for stood in the last document that had it: found again in one comparison. */
const lastIndex = new Map<string, number>();
/** Lines in the last INFO parsed: the next one's arrays start that long. */
let expectedFields = 64;
/**
 * Every key seen, for finding repeated keys (the parse it was last seen in) and for `resolved`: one map for
 * the process, updated in place, rather than a set per parse. Emptied when it grows past what real INFO
 * replies hold.
 */
const keyEntries = new Map<string, KeyEntry>();
let parses = 0;
/**
 * The last parse's keys and their entries, by position: the next reply of the same kind has the same keys in
 * the same places, and a key found there again is neither sliced out of the text nor looked up in the map
 * (INFO ALL of Valkey 8.0 with 200k keys, parsed in a loop: 34 -> 30 µs).
 */
let lastKeys: readonly string[] = [];
let lastEntries: readonly KeyEntry[] = [];

/**
 * Parses the Redis INFO text format: `# Section` headers, `key:value` lines, blank lines between
 * sections. The value is everything after the first colon (IPv6 addresses and `a=b,c=d` records stay
 * whole), except in the sections whose keys are free text (see `splitsOnLastColon`). Lines that fit
 * neither shape are skipped, a repeated key keeps its first value; nothing here throws.
 *
 * Fields are kept in three arrays rather than an object each, and `get` finds a key without a map per reply:
 * a scrape reads a few dozen keys of a few hundred, and the objects and the map were ~30 KiB of garbage per
 * scrape.
 */
export function parseInfo(text: string): InfoDocument {
  const keys: string[] = new Array(expectedFields);
  const values: string[] = new Array(expectedFields);
  const sectionOf: string[] = new Array(expectedFields);
  const entries: KeyEntry[] = new Array(expectedFields);
  const sections: string[] = [];
  let count = 0;
  let section = '';
  // Wrapped well inside the small-integer range, where a stamp is stored without a boxed number.
  parses = parses === 2 ** 30 ? 1 : parses + 1;
  if (keyEntries.size > 4096 || parses === 1) {
    keyEntries.clear();
    lastKeys = [];
    lastEntries = [];
  }
  // Scanned with indexOf rather than split into lines: a scrape parses a few hundred lines, and slicing
  // only keys and values keeps the garbage (and the collector's time) down.
  for (let start = 0; start < text.length; ) {
    let next = text.indexOf('\n', start);
    if (next === -1) next = text.length;
    const end = next > start && text.charCodeAt(next - 1) === 13 ? next - 1 : next;
    const lineStart = start;
    start = next + 1;
    if (end === lineStart) continue;
    if (text.charCodeAt(lineStart) === 35) {
      section = text
        .slice(lineStart + 1, end)
        .trim()
        .toLowerCase();
      sections.push(section);
      continue;
    }
    const colon = splitsOnLastColon(section, text, lineStart) ? text.lastIndexOf(':', end - 1) : text.indexOf(':', lineStart);
    if (colon <= lineStart || colon >= end) continue;
    let key = lastKeys[count];
    let entry: KeyEntry | undefined;
    if (key !== undefined && key.length === colon - lineStart && text.startsWith(key, lineStart)) {
      entry = lastEntries[count] as KeyEntry;
    } else {
      key = text.slice(lineStart, colon);
      entry = keyEntries.get(key);
      if (entry === undefined) {
        entry = { seenIn: 0, resolver: undefined, resolved: undefined };
        keyEntries.set(key, entry);
      }
    }
    // A key seen twice (a corrupted or spliced reply) keeps its first value: two samples of one series
    // would make Prometheus reject the whole scrape.
    if (entry.seenIn === parses) continue;
    entry.seenIn = parses;
    entries[count] = entry;
    keys[count] = key;
    values[count] = text.slice(colon + 1, end);
    sectionOf[count] = section;
    count += 1;
  }
  keys.length = count;
  values.length = count;
  sectionOf.length = count;
  entries.length = count;
  expectedFields = Math.max(count, 1);
  lastKeys = keys;
  lastEntries = entries;
  return new ParsedInfo(keys, values, sectionOf, sections, entries);
}

/** Methods on a class rather than closures made for every reply: fewer objects per scrape. */
class ParsedInfo implements InfoDocument {
  readonly keys: readonly string[];
  readonly values: readonly string[];
  readonly sectionOf: readonly string[];
  readonly sections: readonly string[];
  readonly #entries: readonly KeyEntry[];
  /**
   * Kept on the document, not in a WeakMap keyed by it: a young-generation GC keeps the values of a WeakMap's
   * young keys alive, so every scrape's command records outlived it and were promoted (`--trace-gc-nvp`:
   * 7 KiB per scrape for each of commandstats, latencystats and the latency histogram, sidecar).
   */
  #derived: Map<(info: InfoDocument) => unknown, unknown> | undefined;

  constructor(keys: readonly string[], values: readonly string[], sectionOf: readonly string[], sections: readonly string[], entries: readonly KeyEntry[]) {
    this.keys = keys;
    this.values = values;
    this.sectionOf = sectionOf;
    this.sections = sections;
    this.#entries = entries;
  }

  resolved<T>(index: number, resolver: KeyResolver<T>): T {
    const entry = this.#entries[index] as KeyEntry;
    if (entry.resolver !== resolver) {
      entry.resolved = resolver.resolve(this.keys[index] as string);
      entry.resolver = resolver;
    }
    return entry.resolved as T;
  }

  derived<T>(compute: (info: InfoDocument) => T): T {
    this.#derived ??= new Map();
    if (!this.#derived.has(compute)) this.#derived.set(compute, compute(this));
    return this.#derived.get(compute) as T;
  }

  get(key: string): string | undefined {
    const index = indexOf(this.keys, this.keys.length, key, lastIndex.get(key) ?? -1);
    if (index === -1) return undefined;
    lastIndex.set(key, index);
    return this.values[index];
  }

  number(key: string): number | undefined {
    return parseNumber(this.get(key));
  }
}

/** The index of `key` among the first `count` keys, trying `hint` first. */
function indexOf(keys: readonly string[], count: number, key: string, hint: number): number {
  if (hint >= 0 && hint < count && keys[hint] === key) return hint;
  for (let index = 0; index < count; index += 1) if (keys[index] === key) return index;
  return -1;
}

/**
 * Dragonfly's errorstats keys are whole error messages and its `unknown_<NAME>` commandstats keys are
 * whatever a client sent: both may contain colons, and their value is always a bare count.
 */
function splitsOnLastColon(section: string, text: string, lineStart: number): boolean {
  return section === 'errorstats' || (section === 'commandstats' && text.startsWith('unknown_', lineStart));
}

/**
 * A plain decimal number (INFO never uses hex or exponents), times 10^`exponent`: an optional sign, digits
 * and at most one point, with at least one digit; anything else is undefined. The digits are read as one
 * integer and divided by the power of ten the point and the exponent make, which rounds once: `291094` µs
 * with exponent -6 is 0.291094 s, where `291094 * 1e-6` is 0.29109399999999996, and the value is exactly
 * `Number(text)` when the exponent is 0. One scan, no regular expression and no string made: every INFO
 * field of every scrape comes through here.
 */
export function parseNumber(value: string | undefined, exponent = 0): number | undefined {
  if (value === undefined) return undefined;
  const length = value.length;
  const first = value.charCodeAt(0);
  const negative = first === 45;
  let digits = 0;
  let integer = 0;
  let point = -1;
  for (let index = negative || first === 43 ? 1 : 0; index < length; index += 1) {
    const code = value.charCodeAt(index);
    if (code >= 48 && code <= 57) {
      integer = integer * 10 + (code - 48);
      digits += 1;
    } else if (code === 46 && point === -1) point = index;
    else return undefined;
  }
  if (digits === 0) return undefined;
  const shift = (point === -1 ? 0 : length - 1 - point) - exponent;
  // Beyond 2^53 the integer is no longer exact; Number reads the text (with the exponent) as exactly.
  const parsed =
    integer <= Number.MAX_SAFE_INTEGER && shift >= 0 && shift < exactPowersOfTen.length
      ? integer / (exactPowersOfTen[shift] as number)
      : Number(exponent === 0 ? value : `${value}e${exponent}`);
  if (!Number.isFinite(parsed)) return undefined;
  return negative ? -Math.abs(parsed) : Math.abs(parsed);
}

/**
 * Parses a `k=v,k=v` record (slaveN, dbN, cmdstat_*, errorstat_*, latency percentiles, listeners) by
 * name, never by position. A repeated key keeps its first value.
 */
export function parseRecord(value: string): Map<string, string> {
  const record = new Map<string, string>();
  // Scanned with indexOf rather than split: every command's records on every scrape, without the parts array.
  for (let start = 0; start <= value.length; ) {
    let end = value.indexOf(',', start);
    if (end === -1) end = value.length;
    const eq = value.indexOf('=', start);
    if (eq > start && eq < end) {
      const key = value.slice(start, eq);
      if (!record.has(key)) record.set(key, value.slice(eq + 1, end));
    }
    start = end + 1;
  }
  return record;
}

export function recordNumber(record: ReadonlyMap<string, string>, key: string): number | undefined {
  return parseNumber(record.get(key));
}

/**
 * What `parseRecord(record).get(key)` reads, without building the record: commandstats reads four fields of
 * every command's record on every scrape.
 */
export function recordField(record: string, key: string): string | undefined {
  for (let start = 0; start <= record.length; ) {
    let end = record.indexOf(',', start);
    if (end === -1) end = record.length;
    if (key !== '' && record.startsWith(key, start) && start + key.length < end && record.charCodeAt(start + key.length) === 61) {
      return record.slice(start + key.length + 1, end);
    }
    start = end + 1;
  }
  return undefined;
}
