import { gauge } from '@keepwatch/core/metrics';
import type { RespCollector } from '../snapshot.ts';

const metrics = {
  length: gauge('slowlog_length', 'Entries in the slow log (SLOWLOG LEN).'),
  lastId: gauge(
    'slowlog_last_id',
    'Id of the latest slow log entry; ids grow with every slow command since startup (Dragonfly interleaves them by thread) (SLOWLOG GET 1).',
  ),
  lastDuration: gauge('last_slow_execution_duration_seconds', 'Duration of the latest slow log entry, in seconds (SLOWLOG GET 1).'),
};

export const slowlogCollector: RespCollector = {
  name: 'slowlog',
  help: 'Slow log length, id of the latest entry and its duration (SLOWLOG LEN, SLOWLOG GET 1).',
  defaultEnabled: true,
  metrics: Object.values(metrics),
  commands: () => [
    { key: 'slowlog-len', argv: ['SLOWLOG', 'LEN'] },
    { key: 'slowlog-get', argv: ['SLOWLOG', 'GET', '1'] },
  ],
  collect(snapshot, sink) {
    sink.emit(metrics.length, Number(snapshot.reply('slowlog-len')));
    const [latest] = snapshot.reply('slowlog-get') as [number, number, number][];
    if (latest === undefined) return;
    sink.emit(metrics.lastId, Number(latest[0]));
    sink.emit(metrics.lastDuration, Number(latest[2]) / 1e6);
  },
};
