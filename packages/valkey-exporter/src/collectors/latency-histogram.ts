import { histogram, LabelCap, type Labels, labelSets, lasting } from '@keepwatch/core/metrics';
import { commandLabels } from '@keepwatch/resp';
import { commandStats } from '@keepwatch/resp/info';
import type { ValkeyCollector } from '../capabilities.ts';

const latencies = histogram(
  'commands_latencies_seconds',
  'Latency of each command, in seconds (LATENCY HISTOGRAM; sum from INFO commandstats usec), on buckets every instance shares so it aggregates.',
  ['cmd'],
);

/**
 * The server's buckets are powers of two microseconds, cumulative, and only those that changed are listed
 * (LATENCY HISTOGRAM in Redis 7.0+ and Valkey: `histogram_usec` of `1, 2, 4, 8, ...`). Every fourth power of
 * two, 1 µs to about 1 s, is exact (a cumulative count at a bound the server also uses) and the same on
 * every instance, so `sum by (le)` across servers is a valid histogram at twelve series per command.
 */
const boundsUsec = Array.from({ length: 11 }, (_, index) => 4 ** index);
const bucketLabels = [...boundsUsec.map((usec) => String(usec / 1e6)), '+Inf'];
/** `{ cmd, le }` for every bucket of a command, made once for the process. */
const bucketLabelSets = labelSets((cmd: string): readonly Labels[] => bucketLabels.map((le) => lasting({ cmd, le })));

/** The value after `name` in a RESP2 flat-pairs reply. */
function field(pairs: readonly unknown[], name: string): unknown {
  for (let index = 0; index + 1 < pairs.length; index += 2) if (String(pairs[index]) === name) return pairs[index + 1];
  return undefined;
}

/**
 * One command's `[calls, n, histogram_usec, [bound, count, ...]]` (RESP2 flat pairs) on the fixed bounds:
 * the calls, with the cumulative counts at each of `boundsUsec` then +Inf written into `buckets`. Runs for
 * every command of every scrape, so it walks the reply once and allocates nothing.
 */
function onFixedBounds(raw: unknown, buckets: number[]): number | undefined {
  if (!Array.isArray(raw)) return undefined;
  const calls = Number(field(raw, 'calls'));
  const pairs = field(raw, 'histogram_usec');
  if (!Number.isSafeInteger(calls) || calls < 0 || !Array.isArray(pairs)) return undefined;
  // The server lists the buckets whose cumulative count grew, in ascending order (fillCommandCDF, valkey
  // 8.0.1 src/latency.c); the count at a fixed bound is that of the last listed bucket at or below it (unlisted
  // ones did not change). Out of order, or counts that fall, is a reply this does not understand.
  let bucket = 0;
  let previousBound = -1;
  let previousCount = 0;
  for (let index = 0; index + 1 < pairs.length; index += 2) {
    const bound = Number(pairs[index]);
    const count = Number(pairs[index + 1]);
    if (!Number.isFinite(bound) || !Number.isFinite(count) || count < previousCount || count > calls || bound <= previousBound) return undefined;
    while (bucket < boundsUsec.length && (boundsUsec[bucket] as number) < bound) buckets[bucket++] = previousCount;
    previousBound = bound;
    previousCount = count;
  }
  while (bucket < boundsUsec.length) buckets[bucket++] = previousCount;
  buckets[boundsUsec.length] = calls;
  return calls;
}

/** Where each command's reply is read before it is added to its series' totals. */
const parsed: number[] = bucketLabels.map(() => 0);

export function latencyHistogramCollector(options: { maxCommands: number }): ValkeyCollector {
  const commands = new LabelCap(options.maxCommands);
  return {
    name: 'latency-histogram',
    help: 'Per-command latency as a Prometheus histogram (LATENCY HISTOGRAM, Redis 7.0+ and Valkey; needs latency-tracking yes, the default).',
    defaultEnabled: true,
    metrics: [latencies],
    commands: () => [{ key: 'latency-histogram', argv: ['LATENCY', 'HISTOGRAM'] }],
    collect(snapshot, sink) {
      const reply = snapshot.reply('latency-histogram');
      if (!Array.isArray(reply)) throw new Error('LATENCY HISTOGRAM did not return an array');
      const stats = commandStats(snapshot.info);
      const merged = new Map<string, { calls: number; buckets: number[]; seconds: number }>();
      for (let index = 0; index + 1 < reply.length; index += 2) {
        const command = String(reply[index]).toLowerCase();
        const calls = onFixedBounds(reply[index + 1], parsed);
        // A command with no commandstats record has no sum to give: it is left out rather than given a false one.
        const spent = stats.get(command)?.usec;
        if (calls === undefined || spent === undefined) continue;
        const cmd = commands.admit(command);
        let total = merged.get(cmd);
        if (total === undefined) {
          total = { calls: 0, buckets: bucketLabels.map(() => 0), seconds: 0 };
          merged.set(cmd, total);
        }
        total.calls += calls;
        total.seconds += spent / 1e6;
        for (let bucket = 0; bucket < parsed.length; bucket += 1) total.buckets[bucket] = (total.buckets[bucket] as number) + (parsed[bucket] as number);
      }
      for (const [cmd, total] of merged) {
        const withBucket = bucketLabelSets(cmd);
        for (let bucket = 0; bucket < withBucket.length; bucket += 1)
          sink.emit(latencies, total.buckets[bucket] as number, withBucket[bucket] as Labels, '_bucket');
        const labels = commandLabels(cmd);
        sink.emit(latencies, total.seconds, labels, '_sum');
        sink.emit(latencies, total.calls, labels, '_count');
      }
    },
  };
}
