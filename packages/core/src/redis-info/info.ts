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
  for (const rawLine of text.split('\n')) {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line === '') continue;
    if (line.startsWith('#')) {
      section = line.slice(1).trim().toLowerCase();
      sections.push(section);
      continue;
    }
    const colon = splitsOnLastColon(section, line) ? line.lastIndexOf(':') : line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon);
    // A key seen twice (a corrupted or spliced reply) keeps its first value: two samples of one series
    // would make Prometheus reject the whole scrape.
    if (byKey.has(key)) continue;
    const value = line.slice(colon + 1);
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
function splitsOnLastColon(section: string, line: string): boolean {
  return section === 'errorstats' || (section === 'commandstats' && line.startsWith('unknown_'));
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
  for (const part of value.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const key = part.slice(0, eq);
    if (!record.has(key)) record.set(key, part.slice(eq + 1));
  }
  return record;
}

export function recordNumber(record: ReadonlyMap<string, string>, key: string): number | undefined {
  return parseNumber(record.get(key));
}
