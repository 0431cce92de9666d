import { LabelCap, type Labels, labelSets, lasting, summary } from '@keepwatch/core/metrics';
import { commandLabels } from '../command-labels.ts';
import { commandStats, latencyPercentiles } from '../info/index.ts';
import type { RespCollector } from '../snapshot.ts';

const latency = summary(
  'latency_percentiles_seconds',
  'Per-command latency percentiles tracked by the server, in seconds (INFO latencystats; sum and count from commandstats).',
  ['cmd'],
);

/** `{ cmd, quantile }` per command and quantile, made once for the process. */
const quantileLabels = labelSets((cmd: string) => labelSets((quantile: number): Labels => lasting({ cmd, quantile: String(quantile) })));

/** Percentiles cannot be summed: commands beyond `maxCommands` are dropped, not merged into an overflow series. */
export function latencystatsCollector(options: { maxCommands: number }): RespCollector {
  const cap = new LabelCap(options.maxCommands);
  return {
    name: 'latencystats',
    help: 'Per-command latency percentiles (p50, p99, p99.9 by default) as a summary in seconds.',
    defaultEnabled: true,
    metrics: [latency],
    collect({ info }, sink) {
      const totals = commandStats(info);
      for (const { command, quantiles } of latencyPercentiles(info)) {
        if (cap.admit(command) !== command) continue;
        const labels = commandLabels(command);
        const withQuantile = quantileLabels(command);
        for (const [quantile, seconds] of quantiles) sink.emit(latency, seconds, withQuantile(quantile));
        const total = totals.get(command);
        if (total !== undefined) {
          sink.emit(latency, total.usec / 1e6, labels, '_sum');
          sink.emit(latency, total.calls, labels, '_count');
        }
      }
    },
  };
}
