import { counter, LabelCap } from '@keepwatch/core/metrics';
import type { RespCollector } from '../snapshot.ts';
import { type AclLogEntry, AclLogTracker } from './acl-log-tracker.ts';
import { flatPairs, restartWatch } from './replies.ts';

/** Dragonfly's upper-case reasons in the Valkey/Redis vocabulary, so one alert reads both. */
const reasons: Record<string, string> = { COMMAND: 'command', KEY: 'key', PUB_SUB: 'channel', AUTH: 'auth' };

function toEntry(raw: unknown): AclLogEntry {
  const fields = flatPairs(raw);
  const entryId = fields.get('entry-id');
  const timestamp = fields.get('timestamp-created');
  const reason = String(fields.get('reason') ?? '');
  return {
    // Dragonfly never folds repeats into one entry, so it has no count: each entry is one event.
    count: Number(fields.get('count') ?? 1),
    reason: reasons[reason] ?? reason,
    context: String(fields.get('context') ?? ''),
    object: String(fields.get('object') ?? ''),
    username: String(fields.get('username') ?? ''),
    ...(entryId === undefined ? {} : { entryId: Number(entryId) }),
    ...(timestamp === undefined || !/^\d+$/.test(String(timestamp)) ? {} : { timestamp: BigInt(String(timestamp)) }),
  };
}

const metrics = {
  events: counter(
    'acl_log_events_total',
    'ACL denials and auth failures seen in ACL LOG since the exporter started, by reason, context and user (capped, rest under __overflow__).',
    ['reason', 'context', 'user'],
  ),
  lost: counter(
    'acl_log_entries_lost_total',
    'ACL LOG entries created and gone between two scrapes (log longer than --collector.acl-log.entries, or ACL LOG RESET); needs entry ids, so always 0 on Redis 7.0 and Dragonfly.',
  ),
};

/**
 * ACL LOG as counters by reason, context and user. The counters are the exporter's own (ACL LOG has no
 * server-side totals): they start at 0 when the exporter starts and count each event exactly once.
 */
export function aclLogCollector(options: { maxUsers: number; entries: number }): RespCollector {
  const tracker = new AclLogTracker();
  const users = new LabelCap(options.maxUsers);
  const totals = new Map<string, { labels: Record<string, string>; value: number }>();
  const restarted = restartWatch();
  return {
    name: 'acl-log',
    help: 'ACL LOG entries (auth failures, denied commands, keys, channels) as counters by reason, context and user.',
    defaultEnabled: true,
    metrics: Object.values(metrics),
    commands: () => [{ key: 'acl-log', argv: ['ACL', 'LOG', String(options.entries)] }],
    collect(snapshot, sink) {
      const entries = (snapshot.reply('acl-log') as unknown[]).map(toEntry);
      if (restarted(snapshot.info)) tracker.restart();
      for (const delta of tracker.observe(entries)) {
        const labels = { reason: delta.reason, context: delta.context, user: users.admit(delta.username) };
        const key = `${labels.reason}\0${labels.context}\0${labels.user}`;
        const total = totals.get(key) ?? { labels, value: 0 };
        total.value += delta.events;
        totals.set(key, total);
      }
      for (const { labels, value } of totals.values()) sink.emit(metrics.events, value, labels);
      sink.emit(metrics.lost, tracker.lost);
    },
  };
}
