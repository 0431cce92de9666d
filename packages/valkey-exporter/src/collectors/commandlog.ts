import { counter, gauge } from '@keepwatch/core/metrics';
import { versionNumber } from '@keepwatch/resp';
import { restartWatch } from '@keepwatch/resp/collectors';
import type { ValkeyCollector } from '../capabilities.ts';

/** COMMANDLOG's three logs (Valkey 8.1.0, src/commandlog.c); `slow` is the slow log SLOWLOG also reads. */
const types = [
  {
    type: 'slow',
    last: gauge('commandlog_last_slow_duration_seconds', 'Execution time of the latest slow entry, in seconds (COMMANDLOG GET 1 slow).'),
    scale: 1e-6,
  },
  {
    type: 'large-request',
    last: gauge('commandlog_last_large_request_bytes', 'Size of the latest large-request entry, in bytes (COMMANDLOG GET 1 large-request).'),
    scale: 1,
  },
  {
    type: 'large-reply',
    last: gauge('commandlog_last_large_reply_bytes', 'Size of the latest large-reply entry, in bytes (COMMANDLOG GET 1 large-reply).'),
    scale: 1,
  },
] as const;

const entries = counter(
  'commandlog_entries_total',
  'Commands the server logged in COMMANDLOG since it started, by type: slow (commandlog-execution-slower-than), large-request and large-reply (commandlog-*-larger-than).',
  ['type'],
);

const since = versionNumber('8.1.0');

/**
 * Every log entry has an id from a per-type sequence that starts at 0 with the server and survives
 * COMMANDLOG RESET and trimming to *-max-len (checked on 8.1.1 and 9.1.2 by test/commandlog.test.ts), so
 * the latest id alone counts every entry exactly once, however many came between two scrapes.
 */
export function commandlogCollector(): ValkeyCollector {
  const latestIds = new Map<string, number>();
  const totals = new Map<string, number>();
  const restarted = restartWatch();
  return {
    name: 'commandlog',
    help: 'New slow, large-request and large-reply entries of COMMANDLOG as counters, and the latest of each (Valkey 8.1+).',
    defaultEnabled: true,
    metrics: [entries, ...types.map(({ last }) => last)],
    commands: (caps) =>
      caps.server === 'valkey' && caps.versionNumber >= since
        ? types.map(({ type }) => ({ key: `commandlog-${type}`, argv: ['COMMANDLOG', 'GET', '1', type] }))
        : [],
    collect(snapshot, sink) {
      if (snapshot.caps.server !== 'valkey' || snapshot.caps.versionNumber < since) return;
      // A new server numbers from 0 again; what the old one logged stays counted.
      if (restarted(snapshot.info)) latestIds.clear();
      for (const { type, last, scale } of types) {
        const reply = snapshot.reply(`commandlog-${type}`);
        if (!Array.isArray(reply)) throw new Error(`COMMANDLOG GET 1 ${type} did not return an array`);
        const [latest] = reply as unknown[];
        const id = Array.isArray(latest) ? Number(latest[0]) : Number.NaN;
        const value = Array.isArray(latest) ? Number(latest[2]) : Number.NaN;
        // Empty (nothing logged yet, or just reset) or malformed: nothing new to count.
        if (Number.isSafeInteger(id) && id >= 0 && Number.isFinite(value)) {
          const previous = latestIds.get(type) ?? -1;
          if (id > previous) totals.set(type, (totals.get(type) ?? 0) + id - previous);
          latestIds.set(type, Math.max(id, previous));
          sink.emit(last, value * scale);
        }
        sink.emit(entries, totals.get(type) ?? 0, { type });
      }
    },
  };
}
