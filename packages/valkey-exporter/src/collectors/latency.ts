import { gauge } from '@keepwatch/core/metrics';
import type { ValkeyCollector } from '../capabilities.ts';

const metrics = {
  last: gauge('latency_spike_last_timestamp_seconds', 'Unix time of the latest latency spike of each event (LATENCY LATEST).', ['event_name']),
  duration: gauge('latency_spike_duration_seconds', 'Duration of the latest latency spike of each event, in seconds (LATENCY LATEST).', ['event_name']),
  max: gauge('latency_spike_max_duration_seconds', 'Longest latency spike of each event since startup, in seconds (LATENCY LATEST).', ['event_name']),
};

/** LATENCY LATEST: [event, unix time of latest spike, latest ms, max ms, (sum ms, count on 8.1+)]. */
export const latencyCollector: ValkeyCollector = {
  name: 'latency',
  help: 'Latest latency spike per event from LATENCY LATEST (needs latency-monitor-threshold > 0).',
  defaultEnabled: true,
  metrics: Object.values(metrics),
  commands: () => [{ key: 'latency-latest', argv: ['LATENCY', 'LATEST'] }],
  collect(snapshot, sink) {
    for (const event of snapshot.reply('latency-latest') as unknown[][]) {
      const labels = { event_name: String(event[0]) };
      sink.emit(metrics.last, Number(event[1]), labels);
      sink.emit(metrics.duration, Number(event[2]) / 1000, labels);
      sink.emit(metrics.max, Number(event[3]) / 1000, labels);
    }
  },
};
