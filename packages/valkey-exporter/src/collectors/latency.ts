import { gauge } from '@keepwatch/core/metrics';
import type { ValkeyCollector } from '../capabilities.ts';

const metrics = {
  last: gauge('latency_spike_last_timestamp_seconds', 'Unix time of the latest latency spike of each event (LATENCY LATEST).', ['event_name']),
  duration: gauge('latency_spike_duration_seconds', 'Duration of the latest latency spike of each event, in seconds (LATENCY LATEST).', ['event_name']),
  max: gauge('latency_spike_max_duration_seconds', 'Longest latency spike of each event since startup, in seconds (LATENCY LATEST).', ['event_name']),
};

/** The server tracks a fixed set of about twenty events; a reply naming more is not trusted beyond this. */
const maxEvents = 64;

/** LATENCY LATEST: [event, unix time of latest spike, latest ms, max ms, (sum ms, count on 8.1+)]. */
export const latencyCollector: ValkeyCollector = {
  name: 'latency',
  help: 'Latest latency spike per event from LATENCY LATEST (needs latency-monitor-threshold > 0).',
  defaultEnabled: true,
  metrics: Object.values(metrics),
  commands: () => [{ key: 'latency-latest', argv: ['LATENCY', 'LATEST'] }],
  collect(snapshot, sink) {
    const reply = snapshot.reply('latency-latest');
    if (!Array.isArray(reply)) throw new Error('LATENCY LATEST did not return an array');
    const seen = new Set<string>();
    for (const event of reply) {
      // Entries that are not [name, time, latest, max] with numbers, repeated names and names past the cap are skipped.
      if (!Array.isArray(event) || typeof event[0] !== 'string' || seen.has(event[0]) || seen.size >= maxEvents) continue;
      const [last, latest, max] = [event[1], event[2], event[3]].map(Number);
      if (!Number.isFinite(last) || !Number.isFinite(latest) || !Number.isFinite(max)) continue;
      seen.add(event[0]);
      const labels = { event_name: event[0] };
      sink.emit(metrics.last, last ?? 0, labels);
      sink.emit(metrics.duration, (latest ?? 0) / 1000, labels);
      sink.emit(metrics.max, (max ?? 0) / 1000, labels);
    }
  },
};
