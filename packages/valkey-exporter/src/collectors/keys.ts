import { counter, gauge } from '@keepwatch/core/metrics';
import type { RespSession } from '@keepwatch/resp';
import { advanceScans, checkSelected, type DbKey, inDatabase, isPattern, type KeyCheckOptions, keysToRead, ResumableScan } from '@keepwatch/resp/key-checks';
import type { ValkeyCollector } from '../capabilities.ts';

// redis_exporter's names and labels (exporter/exporter.go metricDescriptions at v1.69.0; `db` as `db0`).
const metrics = {
  size: gauge('key_size', 'Length of a checked key: bytes of a string, elements of a list, set, sorted set, hash or stream.', ['db', 'key']),
  memory: gauge('key_memory_usage_bytes', 'Memory of a checked key (MEMORY USAGE, nested values sampled), in bytes.', ['db', 'key']),
  value: gauge('key_value', 'Value of a checked numeric string key (--collector.keys.export-values).', ['db', 'key']),
  valueAsString: gauge('key_value_as_string', 'A checked non-numeric string key, its value in `val` (--collector.keys.export-values).', ['db', 'key', 'val']),
  count: gauge('keys_count', 'Keys matching a pattern in the last finished SCAN pass; `key` is the pattern.', ['db', 'key']),
  passes: counter('keys_scan_passes_total', 'SCAN passes finished over a key pattern; a pass may span scrapes when the keyspace exceeds the scan budget.', [
    'db',
    'pattern',
  ]),
};

/** The command that gives a key's length, by TYPE (as redis_exporter getKeyInfo). */
const lengthCommands: Record<string, string> = { string: 'STRLEN', list: 'LLEN', set: 'SCARD', zset: 'ZCARD', hash: 'HLEN', stream: 'XLEN' };

/**
 * A string is exported as a value only when it is this short: GETRANGE reads no more, so a big key is
 * never transferred (redis_exporter GETs the whole value).
 */
const maxValueBytes = 128;

/** HyperLogLogs are strings whose first bytes are "HYLL" (valkey src/hyperloglog.c, struct hllhdr magic). */
const hyperLogLogMagic = 'HYLL';

interface PatternPass {
  matched: number;
  names: Set<string>;
}

interface KeyReading {
  readonly db: number;
  readonly key: string;
  readonly memory?: number;
  readonly size?: number;
  readonly value?: string;
}

interface KeysExplored {
  readonly readings: readonly KeyReading[];
  readonly patterns: readonly { readonly db: number; readonly pattern: string; readonly matched?: number; readonly passes: number }[];
}

const dbLabel = (db: number) => `db${db}`;

function numberOf(reply: unknown): number | undefined {
  return typeof reply === 'number' ? reply : undefined;
}

/** TYPE and MEMORY USAGE, then each key's length by type (and its value when asked): two round trips for all keys. */
async function readKeys(session: RespSession, keys: readonly DbKey[], exportValues: boolean): Promise<KeyReading[]> {
  const byDb = Map.groupBy(keys, (key) => key.db);
  const first = [...byDb].flatMap(([db, group]) =>
    inDatabase(
      db,
      group.flatMap(({ key }): [string, ...string[]][] => [
        ['TYPE', key],
        ['MEMORY', 'USAGE', key],
      ]),
    ),
  );
  const firstReplies = await session.batch(first);
  const typed: { db: number; key: string; type: string; memory: number | undefined }[] = [];
  let at = 0;
  for (const [db, group] of byDb) {
    checkSelected(db, firstReplies[at]);
    at += 1;
    for (const { key } of group) {
      const type = firstReplies[at];
      const memory = firstReplies[at + 1];
      at += 2;
      if (type instanceof Error) throw type;
      typed.push({ db, key, type: String(type), memory: numberOf(memory) });
    }
  }
  const second = [...byDb.keys()].flatMap((db) =>
    inDatabase(
      db,
      typed
        .filter((entry) => entry.db === db && lengthCommands[entry.type] !== undefined)
        .flatMap(({ key, type }): [string, ...string[]][] => [
          [lengthCommands[type] ?? 'STRLEN', key],
          ...(exportValues && type === 'string' ? [['GETRANGE', key, '0', String(maxValueBytes - 1)] as [string, ...string[]]] : []),
        ]),
    ),
  );
  const secondReplies = await session.batch(second);
  const readings: KeyReading[] = [];
  at = 0;
  for (const db of byDb.keys()) {
    checkSelected(db, secondReplies[at]);
    at += 1;
    for (const entry of typed.filter((candidate) => candidate.db === db)) {
      const base = { db, key: entry.key, ...(entry.memory === undefined ? {} : { memory: entry.memory }) };
      // A key that is gone reads as empty, as LLEN/SCARD/... of a missing key do (redis_exporter: key_size 0).
      if (entry.type === 'none') {
        readings.push({ ...base, size: 0 });
        continue;
      }
      if (lengthCommands[entry.type] === undefined) {
        readings.push(base);
        continue;
      }
      const size = numberOf(secondReplies[at]);
      at += 1;
      let value: string | undefined;
      if (exportValues && entry.type === 'string') {
        const raw = secondReplies[at];
        at += 1;
        if (typeof raw === 'string' && size !== undefined && size <= maxValueBytes && raw !== '' && !raw.startsWith(hyperLogLogMagic)) value = raw;
      }
      readings.push({ ...base, ...(size === undefined ? {} : { size }), ...(value === undefined ? {} : { value }) });
    }
  }
  return readings;
}

/**
 * --collector.keys.check, --check-single and --count: redis_exporter's key checks with their names, by
 * SCAN within a budget per scrape instead of a full scan each scrape, and without values unless asked.
 */
export function keysCollector(options: KeyCheckOptions): ValkeyCollector {
  const direct = [...options.singleKeys, ...options.keys.filter((entry) => !isPattern(entry.key))];
  const scans = new Map<string, { scan: ResumableScan<PatternPass>; check: boolean; count: boolean }>();
  const scanOf = (entry: DbKey) => {
    const id = `${entry.db}\u0000${entry.key}`;
    const known = scans.get(id);
    if (known !== undefined) return known;
    const created = {
      scan: new ResumableScan<PatternPass>({ db: entry.db, match: entry.key, newPass: () => ({ matched: 0, names: new Set() }) }),
      check: false,
      count: false,
    };
    scans.set(id, created);
    return created;
  };
  for (const entry of options.keys.filter((candidate) => isPattern(candidate.key))) scanOf(entry).check = true;
  for (const entry of options.countKeys) scanOf(entry).count = true;
  return {
    name: 'keys',
    help: 'Size, memory and (when asked) value of chosen keys and of keys matching patterns, and counts of keys matching patterns (SCAN within a budget per scrape).',
    defaultEnabled: true,
    metrics: Object.values(metrics),
    applies: () => direct.length > 0 || scans.size > 0,
    explore: {
      commands: () => [
        ['SELECT'],
        ['SCAN'],
        ['TYPE'],
        ['MEMORY', 'USAGE'],
        ['GETRANGE'],
        ...Object.values(lengthCommands).map((command): [string] => [command]),
      ],
      async run(session): Promise<KeysExplored> {
        await advanceScans(
          session,
          [...scans.values()].map((entry) => entry.scan),
          { keys: options.scanBudget, count: options.scanCount },
          (scan, keys) => {
            const pass = scan.pass;
            pass.matched += keys.length;
            const check = scans.get(`${scan.db}\u0000${scan.match}`)?.check === true;
            for (const key of keys) if (check && pass.names.size < options.maxKeys) pass.names.add(key);
            return 0;
          },
        );
        const checked = [...scans.values()].filter((entry) => entry.check);
        const chosen = keysToRead(
          direct,
          checked.map(({ scan }) => ({ db: scan.db, keys: scan.finished?.names })),
          options.maxKeys,
        );
        return {
          readings: chosen.length === 0 ? [] : await readKeys(session, chosen, options.exportValues),
          patterns: [...scans.values()].map(({ scan }) => ({
            db: scan.db,
            pattern: scan.match ?? '',
            ...(scan.finished === undefined ? {} : { matched: scan.finished.matched }),
            passes: scan.passes,
          })),
        };
      },
    },
    collect(snapshot, sink) {
      const explored = snapshot.explored('keys') as KeysExplored;
      for (const reading of explored.readings) {
        const labels = { db: dbLabel(reading.db), key: reading.key };
        if (reading.size !== undefined) sink.emit(metrics.size, reading.size, labels);
        if (reading.memory !== undefined) sink.emit(metrics.memory, reading.memory, labels);
        if (reading.value === undefined) continue;
        const number = Number(reading.value);
        if (reading.value.trim() !== '' && !Number.isNaN(number)) sink.emit(metrics.value, number, labels);
        else sink.emit(metrics.valueAsString, 1, { ...labels, val: reading.value });
      }
      for (const pattern of explored.patterns) {
        if (pattern.matched !== undefined) sink.emit(metrics.count, pattern.matched, { db: dbLabel(pattern.db), key: pattern.pattern });
        sink.emit(metrics.passes, pattern.passes, { db: dbLabel(pattern.db), pattern: pattern.pattern });
      }
    },
  };
}
