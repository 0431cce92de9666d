import { counter, gauge, LabelCap, overflowLabelValue } from '@keepwatch/core/metrics';
import type { RespSession } from '@keepwatch/resp';
import { flatPairs } from '@keepwatch/resp/collectors';
import { advanceScans, checkSelected, type DbKey, inDatabase, isPattern, type KeyCheckOptions, keysToRead, ResumableScan } from '@keepwatch/resp/key-checks';
import type { ValkeyCollector } from '../capabilities.ts';

const stream = ['db', 'stream'];
const group = ['db', 'stream', 'group'];
const consumer = ['db', 'stream', 'group', 'consumer'];

// redis_exporter's names (exporter/streams.go at v1.69.0) where they are Prometheus-correct; its entry ids
// (milliseconds) are Unix times in seconds here, named as such.
const metrics = {
  length: gauge('stream_length', 'Entries in the stream (XINFO STREAM length).', stream),
  radixTreeKeys: gauge('stream_radix_tree_keys', 'Keys of the stream radix tree.', stream),
  radixTreeNodes: gauge('stream_radix_tree_nodes', 'Nodes of the stream radix tree.', stream),
  groups: gauge('stream_groups', 'Consumer groups of the stream.', stream),
  added: counter('stream_entries_added_total', 'Entries ever added to the stream (XINFO STREAM entries-added).', stream),
  lastGenerated: gauge('stream_last_generated_timestamp_seconds', 'Time of the last id generated for the stream, from the id, as a Unix time.', stream),
  firstEntry: gauge('stream_first_entry_timestamp_seconds', 'Time of the first entry in the stream, from its id, as a Unix time.', stream),
  lastEntry: gauge('stream_last_entry_timestamp_seconds', 'Time of the last entry in the stream, from its id, as a Unix time.', stream),
  maxDeleted: gauge('stream_max_deleted_entry_timestamp_seconds', 'Time of the newest entry deleted from the stream, from its id, as a Unix time.', stream),
  consumers: gauge('stream_group_consumers', 'Consumers in the group.', group),
  pending: gauge('stream_group_messages_pending', 'Entries delivered to the group and not yet acknowledged (its PEL).', group),
  lastDelivered: gauge('stream_group_last_delivered_timestamp_seconds', 'Time of the last entry delivered to the group, from its id, as a Unix time.', group),
  entriesRead: counter('stream_group_entries_read_total', 'Entries the group has read (XINFO GROUPS entries-read).', group),
  lag: gauge('stream_group_lag', 'Entries not yet delivered to the group; absent when the server cannot tell (after deletions).', group),
  oldestPending: gauge(
    'stream_group_oldest_pending_timestamp_seconds',
    'Time of the oldest entry delivered to the group and not acknowledged, from its id (XPENDING), as a Unix time.',
    group,
  ),
  consumerPending: gauge('stream_group_consumer_messages_pending', 'Entries delivered to the consumer and not yet acknowledged.', consumer),
  consumerIdle: gauge('stream_group_consumer_idle_seconds', 'Seconds since the consumer last attempted an interaction.', consumer),
  passes: counter('streams_scan_passes_total', 'SCAN passes finished over a stream pattern; a pass may span scrapes.', ['db', 'pattern']),
};

/** `1700000000000-0` to 1700000000 (seconds); `0-0` (nothing yet) and absent ids to undefined. */
function idSeconds(id: unknown): number | undefined {
  const milliseconds = Number(String(id ?? '').split('-')[0]);
  return Number.isFinite(milliseconds) && milliseconds > 0 ? milliseconds / 1000 : undefined;
}

/** XINFO STREAM's first-entry and last-entry are `[id, [field, value, ...]]` or nil. */
function entryId(entry: unknown): unknown {
  return Array.isArray(entry) ? entry[0] : undefined;
}

interface StreamReading {
  readonly db: number;
  readonly stream: string;
  readonly info: Map<string, unknown>;
  readonly groups: readonly { readonly info: Map<string, unknown>; readonly oldestPending: unknown; readonly consumers: readonly Map<string, unknown>[] }[];
}

interface StreamsExplored {
  readonly streams: readonly StreamReading[];
  readonly patterns: readonly { readonly db: number; readonly pattern: string; readonly passes: number }[];
}

/** XINFO STREAM and GROUPS for every stream, then XPENDING and XINFO CONSUMERS for every group: two round trips. */
async function readStreams(session: RespSession, streams: readonly DbKey[], withConsumers: boolean): Promise<StreamReading[]> {
  const first = streams.flatMap(({ db, key }) =>
    inDatabase(db, [
      ['XINFO', 'STREAM', key],
      ['XINFO', 'GROUPS', key],
    ]),
  );
  const firstReplies = await session.batch(first);
  const found: { db: number; stream: string; info: Map<string, unknown>; groups: Map<string, unknown>[] }[] = [];
  for (const [index, { db, key }] of streams.entries()) {
    checkSelected(db, firstReplies[index * 3]);
    const info = firstReplies[index * 3 + 1];
    const groups = firstReplies[index * 3 + 2];
    // A stream deleted since the scan ("ERR no such key") is simply not there any more.
    if (!Array.isArray(info) || !Array.isArray(groups)) continue;
    found.push({ db, stream: key, info: flatPairs(info), groups: groups.map(flatPairs) });
  }
  const second = found.flatMap(({ db, stream: key, groups }) =>
    inDatabase(
      db,
      groups.flatMap((entry): [string, ...string[]][] => {
        const name = String(entry.get('name'));
        return [['XPENDING', key, name], ...(withConsumers ? [['XINFO', 'CONSUMERS', key, name] as [string, ...string[]]] : [])];
      }),
    ),
  );
  const secondReplies = second.length === 0 ? [] : await session.batch(second);
  let at = 0;
  return found.map(({ db, stream: key, info, groups }) => {
    checkSelected(db, secondReplies[at]);
    at += 1;
    return {
      db,
      stream: key,
      info,
      groups: groups.map((entry) => {
        const pending = secondReplies[at];
        at += 1;
        const consumers = withConsumers ? secondReplies[at++] : [];
        return {
          info: entry,
          // XPENDING's summary: [count, smallest id, greatest id, [[consumer, count], ...]].
          oldestPending: Array.isArray(pending) ? pending[1] : undefined,
          consumers: Array.isArray(consumers) ? consumers.map(flatPairs) : [],
        };
      }),
    };
  });
}

/**
 * --collector.streams.check and --check-single: redis_exporter's stream checks, plus the age of the oldest
 * unacknowledged entry per group (XPENDING), which is what "consumers are stuck" looks like.
 */
export function streamsCollector(options: KeyCheckOptions): ValkeyCollector {
  const direct = [...options.singleStreams, ...options.streams.filter((entry) => !isPattern(entry.key))];
  // TYPE stream: only streams come back, so XINFO never meets another type (and never raises WRONGTYPE errors).
  const scans = options.streams
    .filter((entry) => isPattern(entry.key))
    .map((entry) => new ResumableScan<Set<string>>({ db: entry.db, match: entry.key, type: 'stream', newPass: () => new Set() }));
  return {
    name: 'streams',
    help: 'Length, groups, lag, pending entries and consumers of chosen streams and of streams matching patterns (SCAN TYPE stream within a budget per scrape).',
    defaultEnabled: true,
    metrics: Object.values(metrics),
    applies: () => direct.length > 0 || scans.length > 0,
    explore: {
      commands: () => [['SELECT'], ['SCAN'], ['XINFO', 'STREAM'], ['XINFO', 'GROUPS'], ['XINFO', 'CONSUMERS'], ['XPENDING']],
      async run(session): Promise<StreamsExplored> {
        await advanceScans(session, scans, { keys: options.scanBudget, count: options.scanCount }, (scan, keys) => {
          for (const key of keys) if (scan.pass.size < options.maxKeys) scan.pass.add(key);
          return 0;
        });
        const chosen = keysToRead(
          direct,
          scans.map((scan) => ({ db: scan.db, keys: scan.finished })),
          options.maxKeys,
        );
        return {
          streams: chosen.length === 0 ? [] : await readStreams(session, chosen, !options.excludeConsumers),
          patterns: scans.map((scan) => ({ db: scan.db, pattern: scan.match ?? '', passes: scan.passes })),
        };
      },
    },
    collect(snapshot, sink) {
      const explored = snapshot.explored('streams') as StreamsExplored;
      const consumerSeries = new LabelCap(options.maxConsumers);
      const emitNumber = (metric: (typeof metrics)[keyof typeof metrics], value: unknown, labels: Record<string, string>) => {
        if (typeof value === 'number') sink.emit(metric, value, labels);
      };
      const emitTime = (metric: (typeof metrics)[keyof typeof metrics], id: unknown, labels: Record<string, string>) => {
        const seconds = idSeconds(id);
        if (seconds !== undefined) sink.emit(metric, seconds, labels);
      };
      for (const reading of explored.streams) {
        const labels = { db: `db${reading.db}`, stream: reading.stream };
        emitNumber(metrics.length, reading.info.get('length'), labels);
        emitNumber(metrics.radixTreeKeys, reading.info.get('radix-tree-keys'), labels);
        emitNumber(metrics.radixTreeNodes, reading.info.get('radix-tree-nodes'), labels);
        emitNumber(metrics.groups, reading.info.get('groups'), labels);
        emitNumber(metrics.added, reading.info.get('entries-added'), labels);
        emitTime(metrics.lastGenerated, reading.info.get('last-generated-id'), labels);
        emitTime(metrics.firstEntry, entryId(reading.info.get('first-entry')), labels);
        emitTime(metrics.lastEntry, entryId(reading.info.get('last-entry')), labels);
        emitTime(metrics.maxDeleted, reading.info.get('max-deleted-entry-id'), labels);
        for (const entry of reading.groups) {
          const groupLabels = { ...labels, group: String(entry.info.get('name')) };
          emitNumber(metrics.consumers, entry.info.get('consumers'), groupLabels);
          emitNumber(metrics.pending, entry.info.get('pending'), groupLabels);
          emitTime(metrics.lastDelivered, entry.info.get('last-delivered-id'), groupLabels);
          emitNumber(metrics.entriesRead, entry.info.get('entries-read'), groupLabels);
          emitNumber(metrics.lag, entry.info.get('lag'), groupLabels);
          emitTime(metrics.oldestPending, entry.oldestPending, groupLabels);
          for (const member of entry.consumers) {
            const name = String(member.get('name'));
            if (consumerSeries.admit(`${reading.db}\u0000${reading.stream}\u0000${groupLabels.group}\u0000${name}`) === overflowLabelValue) continue;
            const consumerLabels = { ...groupLabels, consumer: name };
            emitNumber(metrics.consumerPending, member.get('pending'), consumerLabels);
            const idle = member.get('idle');
            if (typeof idle === 'number') sink.emit(metrics.consumerIdle, idle / 1000, consumerLabels);
          }
        }
      }
      for (const pattern of explored.patterns) sink.emit(metrics.passes, pattern.passes, { db: `db${pattern.db}`, pattern: pattern.pattern });
    },
  };
}
