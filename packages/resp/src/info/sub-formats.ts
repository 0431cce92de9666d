import { type InfoDocument, parseNumber, parseRecord, recordField, recordNumber } from './info.ts';

export interface CommandStat {
  readonly command: string;
  readonly calls: number;
  readonly usec: number;
  /** Absent on servers that predate the field (and on Dragonfly). */
  readonly rejectedCalls: number | undefined;
  readonly failedCalls: number | undefined;
}

/**
 * Subcommands as `parent|sub` whatever the server: Valkey and Redis print `cmdstat_config|get`, Dragonfly
 * registers ACL subcommands as two-word commands (`cmdstat_acl log`). One spelling keeps one set of alerts.
 */
function commandName(raw: string): string {
  return raw.replace(/ +/g, '|');
}

/** By command name, in the reply's order; commandstats, latencystats and the latency histogram all read it. */
export function commandStats(info: InfoDocument): ReadonlyMap<string, CommandStat> {
  return info.derived(parseCommandStats);
}

function parseCommandStats(info: InfoDocument): ReadonlyMap<string, CommandStat> {
  const stats = new Map<string, CommandStat>();
  for (let index = 0; index < info.keys.length; index += 1) {
    const key = info.keys[index] as string;
    if (!key.startsWith('cmdstat_')) continue;
    const record = info.values[index] as string;
    const calls = parseNumber(recordField(record, 'calls'));
    const usec = parseNumber(recordField(record, 'usec'));
    const command = commandName(key.slice('cmdstat_'.length));
    if (calls === undefined || usec === undefined || stats.has(command)) continue;
    stats.set(command, {
      command,
      calls,
      usec,
      rejectedCalls: parseNumber(recordField(record, 'rejected_calls')),
      failedCalls: parseNumber(recordField(record, 'failed_calls')),
    });
  }
  return stats;
}

export interface ErrorStat {
  readonly prefix: string;
  readonly count: number;
}

/**
 * Error replies by prefix. Valkey and Redis: `errorstat_<PREFIX>:count=N`. Dragonfly: `<kind or message>:N`,
 * where the key is an error kind (`syntax_error`, `no_auth`), a message with its code (`-NOPERM app has no
 * ACL permissions`, one key per user) or a bare message sent as `-ERR <message>`; it becomes the kind, the
 * code or `ERR`, so the label stays bounded and means what it means on Valkey. Equal prefixes are summed.
 */
export function errorStats(info: InfoDocument): readonly ErrorStat[] {
  return info.derived(parseErrorStats);
}

function parseErrorStats(info: InfoDocument): readonly ErrorStat[] {
  const counts = new Map<string, number>();
  for (let index = 0; index < info.keys.length; index += 1) {
    const key = info.keys[index] as string;
    let prefix: string | undefined;
    let count: number | undefined;
    if (key.startsWith('errorstat_')) {
      prefix = key.slice('errorstat_'.length);
      count = recordNumber(parseRecord(info.values[index] as string), 'count');
    } else if (info.sectionOf[index] === 'errorstats') {
      prefix = dragonflyErrorPrefix(key);
      count = parseNumber(info.values[index]);
    }
    if (prefix !== undefined && count !== undefined) counts.set(prefix, (counts.get(prefix) ?? 0) + count);
  }
  return [...counts].map(([prefix, count]) => ({ prefix, count }));
}

function dragonflyErrorPrefix(key: string): string {
  const code = /^-(\S+)/.exec(key)?.[1];
  if (code !== undefined) return code;
  return /^[A-Za-z_]+$/.test(key) ? key : 'ERR';
}

export interface UnknownCommand {
  readonly name: string;
  readonly count: number;
}

/** Dragonfly's `unknown_<NAME>:<count>` commandstats lines: command names the server did not know. */
export function unknownCommands(info: InfoDocument): UnknownCommand[] {
  const result: UnknownCommand[] = [];
  for (let index = 0; index < info.keys.length; index += 1) {
    const key = info.keys[index] as string;
    if (info.sectionOf[index] !== 'commandstats' || !key.startsWith('unknown_')) continue;
    const count = parseNumber(info.values[index]);
    if (count !== undefined) result.push({ name: key.slice('unknown_'.length), count });
  }
  return result;
}

export interface LatencyPercentiles {
  readonly command: string;
  /** Quantile (0..1) to latency in seconds (the reply's microseconds, the decimal point moved). */
  readonly quantiles: ReadonlyMap<number, number>;
}

/**
 * `latency_percentiles_usec_<cmd>:p50=1.003,p99=2.007,p99.9=3.007`; `p99.9` is quantile 0.999, and a
 * repeated quantile keeps its first value. Read in place rather than through parseRecord: every command's
 * line on every scrape.
 */
export function latencyPercentiles(info: InfoDocument): LatencyPercentiles[] {
  const result: LatencyPercentiles[] = [];
  for (let index = 0; index < info.keys.length; index += 1) {
    const field = info.keys[index] as string;
    if (!field.startsWith('latency_percentiles_usec_')) continue;
    const quantiles = new Map<number, number>();
    const record = info.values[index] as string;
    for (let start = 0; start < record.length; ) {
      let end = record.indexOf(',', start);
      if (end === -1) end = record.length;
      const eq = record.indexOf('=', start);
      if (eq > start + 1 && eq < end && record.charCodeAt(start) === 112 /* p */) {
        const percent = parseNumber(record.slice(start + 1, eq));
        const seconds = parseNumber(record.slice(eq + 1, end), -6);
        if (percent !== undefined && seconds !== undefined && percent >= 0 && percent <= 100) {
          const quantile = Math.round(percent * 1e4) / 1e6;
          if (!quantiles.has(quantile)) quantiles.set(quantile, seconds);
        }
      }
      start = end + 1;
    }
    if (quantiles.size > 0) result.push({ command: commandName(field.slice('latency_percentiles_usec_'.length)), quantiles });
  }
  return result;
}

export interface KeyspaceEntry {
  readonly db: string;
  /** Every numeric attribute by name (`keys`, `expires`, `avg_ttl`, and whatever a server adds). */
  readonly attributes: ReadonlyMap<string, number>;
}

export function keyspace(info: InfoDocument): KeyspaceEntry[] {
  const entries: KeyspaceEntry[] = [];
  for (let index = 0; index < info.keys.length; index += 1) {
    const field = info.keys[index] as string;
    if (!field.startsWith('db') || !/^db\d+$/.test(field)) continue;
    const attributes = new Map<string, number>();
    for (const [key, value] of parseRecord(info.values[index] as string)) {
      const parsed = parseNumber(value);
      if (parsed !== undefined) attributes.set(key, parsed);
    }
    entries.push({ db: field, attributes });
  }
  return entries;
}

export interface ReplicaEntry {
  readonly ip: string;
  readonly port: string;
  readonly state: string;
  readonly offset: number | undefined;
  readonly lag: number | undefined;
}

/** The primary's `slaveN:ip=..,port=..,state=..,offset=..,lag=..[,type=..]` lines. */
export function connectedReplicas(info: InfoDocument): ReplicaEntry[] {
  const replicas: ReplicaEntry[] = [];
  for (let index = 0; index < info.keys.length; index += 1) {
    const key = info.keys[index] as string;
    if (!key.startsWith('slave') || !/^slave\d+$/.test(key)) continue;
    const record = parseRecord(info.values[index] as string);
    replicas.push({
      ip: record.get('ip') ?? '',
      port: record.get('port') ?? '',
      state: record.get('state') ?? '',
      offset: recordNumber(record, 'offset'),
      lag: recordNumber(record, 'lag'),
    });
  }
  return replicas;
}
