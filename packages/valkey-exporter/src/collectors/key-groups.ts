import { counter, gauge } from '@keepwatch/core/metrics';
import { keyspace } from '@keepwatch/resp/info';
import { advanceScans, checkSelected, inDatabase, type KeyCheckOptions, keyGroupOf, ResumableScan } from '@keepwatch/resp/key-checks';
import type { ValkeyCollector } from '../capabilities.ts';

// redis_exporter's names (exporter/key_groups.go at v1.69.0), including its `unclassified` and `overflow` groups.
const metrics = {
  count: gauge('key_group_count', 'Keys in a key group in the last finished SCAN pass of the database.', ['db', 'key_group']),
  memory: gauge('key_group_memory_usage_bytes', 'Memory of the keys in a key group (MEMORY USAGE summed) in the last finished pass, in bytes.', [
    'db',
    'key_group',
  ]),
  distinct: gauge('number_of_distinct_key_groups', 'Distinct key groups in the last finished pass of the database.', ['db']),
  passes: counter(
    'key_groups_scan_passes_total',
    'SCAN passes finished over the database; a pass may span scrapes when the keyspace exceeds the scan budget.',
    ['db'],
  ),
};

/** Group names one pass remembers before the rest go to `overflow`: a pattern capturing an id would invent one per key. */
const maxGroupsPerPass = 10_000;

type GroupPass = Map<string, { count: number; memory: number }>;

interface GroupsExplored {
  readonly dbs: readonly { readonly db: number; readonly groups: GroupPass | undefined; readonly passes: number }[];
}

function addTo(pass: GroupPass, group: string, memory: number): void {
  const name = pass.has(group) || pass.size < maxGroupsPerPass ? group : 'overflow';
  const entry = pass.get(name) ?? { count: 0, memory: 0 };
  entry.count += 1;
  entry.memory += memory;
  pass.set(name, entry);
}

/**
 * --collector.key-groups.patterns: every key of every database with keys, grouped by Lua pattern, with
 * its MEMORY USAGE. redis_exporter does this with a Lua script per SCAN batch; keepwatch sends SCAN and
 * MEMORY USAGE and matches here, so its user needs no EVAL.
 */
export function keyGroupsCollector(options: KeyCheckOptions): ValkeyCollector {
  const scans = new Map<number, ResumableScan<GroupPass>>();
  return {
    name: 'key-groups',
    help: 'Keys and memory per key group (Lua patterns over every key, SCAN within a budget per scrape), the largest groups by memory.',
    defaultEnabled: true,
    metrics: Object.values(metrics),
    applies: () => options.groups.length > 0,
    explore: {
      commands: () => [['SELECT'], ['SCAN'], ['MEMORY', 'USAGE']],
      async run(session): Promise<GroupsExplored> {
        const dbs = new Set(keyspace(session.info).map((entry) => Number(entry.db.slice(2))));
        for (const db of scans.keys()) if (!dbs.has(db)) scans.delete(db);
        for (const db of dbs) if (!scans.has(db)) scans.set(db, new ResumableScan<GroupPass>({ db, newPass: () => new Map() }));
        await advanceScans(session, [...scans.values()], { keys: options.scanBudget, count: options.scanCount }, async (scan, keys) => {
          const replies = await session.batch(
            inDatabase(
              scan.db,
              keys.map((key): [string, ...string[]] => ['MEMORY', 'USAGE', key]),
            ),
          );
          checkSelected(scan.db, replies[0]);
          for (const [index, key] of keys.entries()) {
            const memory = replies[index + 1];
            addTo(scan.pass, keyGroupOf(key, options.groups) ?? 'unclassified', typeof memory === 'number' ? memory : 0);
          }
          return keys.length;
        });
        return { dbs: [...scans.values()].map((scan) => ({ db: scan.db, groups: scan.finished, passes: scan.passes })) };
      },
    },
    collect(snapshot, sink) {
      const explored = snapshot.explored('key-groups') as GroupsExplored;
      for (const { db, groups, passes } of explored.dbs) {
        const labels = { db: `db${db}` };
        sink.emit(metrics.passes, passes, labels);
        if (groups === undefined) continue;
        // As redis_exporter: the largest by memory (then fewer keys, then name) keep their own series.
        const ranked = [...groups].filter(([name]) => name !== 'overflow');
        ranked.sort(([nameA, a], [nameB, b]) => b.memory - a.memory || a.count - b.count || nameA.localeCompare(nameB));
        const rest = [...ranked.slice(options.maxGroups).map(([, entry]) => entry), ...[groups.get('overflow')].filter((entry) => entry !== undefined)];
        const shown = ranked.slice(0, options.maxGroups);
        if (rest.length > 0) {
          shown.push(['overflow', { count: rest.reduce((sum, entry) => sum + entry.count, 0), memory: rest.reduce((sum, entry) => sum + entry.memory, 0) }]);
        }
        for (const [group, entry] of shown) {
          sink.emit(metrics.count, entry.count, { ...labels, key_group: group });
          sink.emit(metrics.memory, entry.memory, { ...labels, key_group: group });
        }
        sink.emit(metrics.distinct, groups.size, labels);
      }
    },
  };
}
