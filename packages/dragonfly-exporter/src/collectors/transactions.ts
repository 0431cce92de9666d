import { counter, type MetricDescriptor } from '@keepwatch/core/metrics';
import { parseNumber } from '@keepwatch/resp/info';
import type { DragonflyCollector } from '../capabilities.ts';

/** INFO transaction lists: element i counts what spanned i+1 shards. */
const widths: Record<string, MetricDescriptor> = {
  tx_with_freq: counter('transactions_by_shards_total', 'Transactions by the number of shards they spanned (INFO tx_with_freq).', ['shards']),
  squash_with_freq: counter('squashed_batches_by_shards_total', 'Squashed command batches by the number of shards they spanned (INFO squash_with_freq).', [
    'shards',
  ]),
};

export const transactionsCollector: DragonflyCollector = {
  name: 'transactions',
  help: 'Transactions and squashed batches by the number of shards they spanned: how well the keyspace spreads.',
  defaultEnabled: true,
  metrics: Object.values(widths),
  collect({ info }, sink) {
    for (const [field, metric] of Object.entries(widths)) {
      (info.get(field) ?? '').split(',').forEach((text, index) => {
        const count = parseNumber(text);
        if (count !== undefined) sink.emit(metric, count, { shards: String(index + 1) });
      });
    }
  },
};
