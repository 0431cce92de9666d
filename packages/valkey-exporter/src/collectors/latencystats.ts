import { commandStats, latencyPercentiles } from '@keepwatch/core/redis-info';
import type { ValkeyCollector } from '../snapshot.ts';

const help = 'Per-command latency percentiles tracked by the server, in seconds (INFO latencystats; sum and count from commandstats).';

export const latencystatsCollector: ValkeyCollector = {
  name: 'latencystats',
  help: 'Per-command latency percentiles (p50, p99, p99.9 by default) as a summary in seconds.',
  defaultEnabled: true,
  collect({ info }, sink) {
    const totals = new Map(commandStats(info).map((stat) => [stat.command, stat]));
    for (const { command, quantiles } of latencyPercentiles(info)) {
      const labels = { cmd: command };
      for (const [quantile, usec] of quantiles) {
        sink.add('latency_percentiles_seconds', 'summary', help, usec / 1e6, { ...labels, quantile: String(quantile) });
      }
      const total = totals.get(command);
      if (total !== undefined) {
        sink.add('latency_percentiles_seconds', 'summary', help, total.usec / 1e6, labels, '_sum');
        sink.add('latency_percentiles_seconds', 'summary', help, total.calls, labels, '_count');
      }
    }
  },
};
