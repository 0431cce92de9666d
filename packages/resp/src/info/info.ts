/** One `key:value` line of an INFO reply, with the section it appeared in. */
export interface InfoField {
  readonly section: string;
  readonly key: string;
  readonly value: string;
}

export interface InfoDocument {
  readonly fields: readonly InfoField[];
  /** Section names in order of appearance, lower-cased (`cpu`, `keyspace`, ...). */
  readonly sections: readonly string[];
  get(key: string): string | undefined;
  /** The field as a finite number, or undefined. */
  number(key: string): number | undefined;
}

/**
 * Parses the Redis INFO text format: `# Section` headers, `key:value` lines, blank lines between
 * sections. The value is everything after the first colon (IPv6 addresses and `a=b,c=d` records stay
 * whole), except in the sections whose keys are free text (see `splitsOnLastColon`). Lines that fit
 * neither shape are skipped, a repeated key keeps its first value; nothing here throws.
 */
export function parseInfo(text: string): InfoDocument {
  const fields: InfoField[] = [];
  const sections: string[] = [];
  const byKey = new Map<string, string>();
  let section = '';
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
    const key = text.slice(lineStart, colon);
    // A key seen twice (a corrupted or spliced reply) keeps its first value: two samples of one series
    // would make Prometheus reject the whole scrape.
    if (byKey.has(key)) continue;
    const value = text.slice(colon + 1, end);
    fields.push({ section, key, value });
    byKey.set(key, value);
  }
  return {
    fields,
    sections,
    get: (key) => byKey.get(key),
    number: (key) => parseNumber(byKey.get(key)),
  };
}

/**
 * Dragonfly's errorstats keys are whole error messages and its `unknown_<NAME>` commandstats keys are
 * whatever a client sent: both may contain colons, and their value is always a bare count.
 */
function splitsOnLastColon(section: string, text: string, lineStart: number): boolean {
  return section === 'errorstats' || (section === 'commandstats' && text.startsWith('unknown_', lineStart));
}

/** A plain decimal number (INFO never uses hex or exponents); anything else is undefined. */
export function parseNumber(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)$/.test(value)) return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : undefined;
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
