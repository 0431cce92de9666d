import { gauge } from '@keepwatch/core/metrics';
import type { CommandSpec } from '@keepwatch/resp';
import { flatPairs } from '@keepwatch/resp/collectors';
import type { ValkeyCollector } from '../capabilities.ts';

// redis_exporter's names (exporter.go extractConfigMetrics at v1.69.0), so --namespace redis serves its users' rules.
const metrics = {
  ioThreads: gauge('config_io_threads', 'I/O threads configured (CONFIG io-threads).'),
  bufferLimit: gauge(
    'config_client_output_buffer_limit_bytes',
    'Output buffer limit per client class, hard and soft, in bytes; 0 is none (CONFIG client-output-buffer-limit).',
    ['class', 'limit'],
  ),
  savePoints: gauge('config_save_points', 'Automatic RDB snapshot points configured (CONFIG save: seconds and changes pairs); 0 is no automatic snapshots.'),
  bufferOvercome: gauge(
    'config_client_output_buffer_limit_overcome_seconds',
    'How long a client may stay over its soft output buffer limit before it is disconnected, in seconds (CONFIG client-output-buffer-limit).',
    ['class', 'limit'],
  ),
};

/** Classes the server knows (`slave` and `replica` name one class); anything else in the reply is not made a label. */
const classes = new Set(['normal', 'slave', 'replica', 'pubsub']);

/**
 * Settings that bound memory and throughput, and whether the server snapshots on its own (which says whether
 * an old last save is a problem), by name only: CONFIG GET * would also hand the exporter
 * requirepass and masterauth, which it never reads (redis_exporter's --include-config-metrics does, and
 * redacts them on output). maxmemory and maxclients come from INFO.
 */
export const configKeys = ['io-threads', 'client-output-buffer-limit', 'save'] as const;

/** `configGet` asks for at least `configKeys`; the posture collector shares it, so CONFIG GET goes out once. */
export function configCollector(options: { configGet: CommandSpec }): ValkeyCollector {
  return {
    name: 'config',
    help: 'io-threads, the client output buffer limits per class and the save points (CONFIG GET by name, never CONFIG GET *).',
    defaultEnabled: true,
    metrics: Object.values(metrics),
    commands: () => [options.configGet],
    collect(snapshot, sink) {
      const reply = snapshot.reply(options.configGet.key);
      if (!Array.isArray(reply)) throw new Error('CONFIG GET did not return an array');
      const values = flatPairs(reply);
      const ioThreads = Number(values.get('io-threads'));
      if (Number.isFinite(ioThreads)) sink.emit(metrics.ioThreads, ioThreads);
      // "3600 1 300 100 60 10000": seconds and changes, one pair per point; "" when snapshots are off.
      const save = values.get('save');
      if (typeof save === 'string') sink.emit(metrics.savePoints, Math.floor(save.trim().split(/\s+/).filter(Boolean).length / 2));
      // "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60": class, hard, soft, soft seconds.
      const words = String(values.get('client-output-buffer-limit') ?? '')
        .trim()
        .split(/\s+/);
      const seen = new Set<string>();
      for (let index = 0; index + 3 < words.length; index += 4) {
        const [name = '', hard, soft, seconds] = words.slice(index, index + 4);
        if (!classes.has(name) || seen.has(name)) continue;
        seen.add(name);
        sink.emit(metrics.bufferLimit, Number(hard), { class: name, limit: 'hard' });
        sink.emit(metrics.bufferLimit, Number(soft), { class: name, limit: 'soft' });
        sink.emit(metrics.bufferOvercome, Number(seconds), { class: name, limit: 'soft' });
      }
    },
  };
}
