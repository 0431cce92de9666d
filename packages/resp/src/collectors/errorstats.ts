import { counter, LabelCap } from '@keepwatch/core/metrics';
import { errorStats } from '../info/index.ts';
import type { RespCollector } from '../snapshot.ts';

const errors = counter(
  'errors_total',
  'Error replies by error prefix (INFO errorstats; Dragonfly messages reduced to their code or ERR); capped, rest under __overflow__.',
  ['err'],
);

/**
 * Error replies by prefix. Scripts can invent prefixes, so the label is capped (sticky, first come) and the
 * rest is summed under `__overflow__`.
 */
export function errorstatsCollector(options: { maxPrefixes: number }): RespCollector {
  const cap = new LabelCap(options.maxPrefixes);
  return {
    name: 'errorstats',
    help: 'Error replies by error prefix (WRONGPASS, NOAUTH, NOPERM, OOM, ...), label capped.',
    defaultEnabled: true,
    metrics: [errors],
    collect({ info }, sink) {
      const totals = new Map<string, number>();
      for (const { prefix, count } of errorStats(info)) {
        const label = cap.admit(prefix);
        totals.set(label, (totals.get(label) ?? 0) + count);
      }
      for (const [err, count] of totals) sink.emit(errors, count, { err });
    },
  };
}
