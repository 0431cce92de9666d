import type { AlertSpec } from '../../alert.ts';
import { node, type RespAlertContext } from './context.ts';

const mib = 1024 * 1024;

/** Big keys and streams whose consumers fall behind: series only when the key and stream checks are on. */
export function keysAlerts({ engine, config, ns, title, m, s, t, w }: RespAlertContext): AlertSpec[] {
  if (!engine.keyChecks) return [];
  const key = { ...node, db: 'db0', key: 'cart:1' };
  const group = { ...node, db: 'db0', stream: 'orders', group: 'billing' };
  return [
    {
      name: `${title}BigKey`,
      severity: 'warning',
      symptom: false,
      expr: `${m('key_memory_usage_bytes')} > ${t.bigKeyBytes} or ${m('key_size')} > ${t.bigKeyElements}`,
      for: config.for.bigKey,
      summary: `A ${title} key is big enough to block the server.`,
      description: `{{ $labels.instance }}: {{ $labels.db }} key {{ $labels.key }} holds {{ $value | humanize }} (bytes of memory, or elements).`,
      runbook: {
        meaning: `A checked key (\`--collector.keys.check\`) uses more than ${t.bigKeyBytes / mib} MiB (\`${ns}_key_memory_usage_bytes\`) or has more than ${t.bigKeyElements} elements (\`${ns}_key_size\`). Reading it whole (HGETALL, LRANGE 0 -1, SMEMBERS), deleting it with DEL, expiring it or migrating it in a cluster blocks the server for every client, and its replication can overflow a replica's output buffer: one request can take the service down.`,
        confirm: `\`${engine.cli} MEMORY USAGE <key>\` and the length command of its type; \`${engine.cli} --bigkeys\` (run against a replica) finds others the checks do not name.`,
        action:
          'Split the key (shard a hash or set by a suffix), cap it (LTRIM, XTRIM MAXLEN, expiries), remove it with UNLINK (freed in the background) rather than DEL, and read it in pages (HSCAN, SSCAN, ZSCAN).',
      },
      cases: [
        {
          name: 'a key above the memory threshold',
          series: { [s('key_memory_usage_bytes', key)]: `${t.bigKeyBytes * 2}x20` },
          at: '20m',
          // humanize: four significant digits.
          fires: [
            { labels: key, description: `a:9866: db0 key cart:1 holds ${Number(((t.bigKeyBytes * 2) / 1e6).toPrecision(4))}M (bytes of memory, or elements).` },
          ],
        },
        {
          name: 'a key with too many elements',
          series: { [s('key_size', key)]: `${t.bigKeyElements * 2}x20` },
          at: '20m',
          // humanize: four significant digits.
          fires: [
            {
              labels: key,
              description: `a:9866: db0 key cart:1 holds ${Number(((t.bigKeyElements * 2) / 1e6).toPrecision(4))}M (bytes of memory, or elements).`,
            },
          ],
        },
        { name: 'small keys', series: { [s('key_memory_usage_bytes', key)]: '4096x20', [s('key_size', key)]: '100x20' }, at: '20m', fires: [] },
      ],
    },
    {
      name: `${title}StreamConsumerGroupFallingBehind`,
      severity: 'warning',
      symptom: true,
      expr: `${m('stream_group_lag')} > ${t.streamLagEntries} and deriv(${m('stream_group_lag')}[${w.burst}]) > 0`,
      for: config.for.stream,
      summary: `A ${title} stream consumer group is falling further behind.`,
      description: `{{ $labels.instance }}: group {{ $labels.group }} of stream {{ $labels.stream }} is {{ $value }} entries behind and the gap grows.`,
      runbook: {
        meaning: `The group has more than ${t.streamLagEntries} entries not yet delivered (\`${ns}_stream_group_lag\`) and the number kept growing for ${config.for.stream}: producers add faster than the group's consumers read, so processing falls further behind and the stream grows in memory.`,
        confirm: `\`${engine.cli} XINFO GROUPS <stream>\` (lag, entries-read) and \`XINFO CONSUMERS <stream> <group>\` (idle times); compare the rate of \`${ns}_stream_entries_added_total\` with that of \`${ns}_stream_group_entries_read_total\`.`,
        action:
          'Add consumers to the group or find why they are slow (their own logs and dependencies); if the backlog may be dropped, trim the stream (XTRIM MAXLEN or MINID).',
      },
      cases: [
        {
          name: 'lag above the threshold and growing',
          series: { [s('stream_group_lag', group)]: `${t.streamLagEntries}+100x30` },
          at: '25m',
          fires: [
            {
              labels: group,
              description: `a:9866: group billing of stream orders is ${t.streamLagEntries + 2500} entries behind and the gap grows.`,
            },
          ],
        },
        { name: 'a large lag being worked off', series: { [s('stream_group_lag', group)]: `${t.streamLagEntries * 5}-100x30` }, at: '25m', fires: [] },
        { name: 'a small growing lag', series: { [s('stream_group_lag', group)]: '0+10x30' }, at: '25m', fires: [] },
      ],
    },
    {
      name: `${title}StreamPendingEntriesStuck`,
      severity: 'warning',
      symptom: true,
      expr: `time() - ${m('stream_group_oldest_pending_timestamp_seconds')} > ${t.streamPendingSeconds}`,
      for: config.for.stream,
      summary: `A ${title} stream has entries delivered and never acknowledged.`,
      description: `{{ $labels.instance }}: the oldest unacknowledged entry of group {{ $labels.group }} on stream {{ $labels.stream }} is {{ $value | humanizeDuration }} old.`,
      runbook: {
        meaning: `An entry was delivered to a consumer of the group and has not been acknowledged (XACK) for more than ${t.streamPendingSeconds / 60} minutes (from the entry id's time, \`${ns}_stream_group_oldest_pending_timestamp_seconds\`). The consumer that took it crashed or is stuck, and nothing claims its entries: that work is not being done.`,
        confirm: `\`${engine.cli} XPENDING <stream> <group> - + 10\` lists the oldest pending entries with their consumer and idle time; \`${ns}_stream_group_consumer_idle_seconds\` shows which consumers stopped.`,
        action:
          'Have a live consumer take them over (XAUTOCLAIM with a min-idle-time, as a periodic job), fix or restart the stuck consumer, and remove consumers that are gone (XGROUP DELCONSUMER) once their entries are claimed.',
      },
      cases: [
        {
          name: 'an entry pending since the start',
          series: { [s('stream_group_oldest_pending_timestamp_seconds', group)]: '0x40' },
          at: '30m',
          fires: [{ labels: group, description: 'a:9866: the oldest unacknowledged entry of group billing on stream orders is 30m 0s old.' }],
        },
        {
          name: 'pending entries acknowledged as they come',
          series: { [s('stream_group_oldest_pending_timestamp_seconds', group)]: '0+60x40' },
          at: '30m',
          fires: [],
        },
      ],
    },
  ];
}
