import { gauge } from '@keepwatch/core/metrics';
import { parseNumber } from '@keepwatch/resp/info';
import type { DragonflyCollector } from '../capabilities.ts';

const keys = gauge(
  'last_save_keys',
  'Keys written by the last successful save, by RDB type (INFO persistence rdb_<type>; Dragonfly names only string, hash, set and other in practice).',
  ['type'],
);

const rdbType = /^rdb_(string|list|set|zset|hash|stream|other)$/;

export const snapshotKeysCollector: DragonflyCollector = {
  name: 'snapshot-keys',
  help: 'Keys written by the last successful save, by type.',
  defaultEnabled: true,
  metrics: [keys],
  collect({ info }, sink) {
    for (let index = 0; index < info.keys.length; index += 1) {
      const key = info.keys[index] as string;
      const value = info.values[index] as string;
      const type = rdbType.exec(key)?.[1];
      const count = parseNumber(value);
      if (type !== undefined && count !== undefined) sink.emit(keys, count, { type });
    }
  },
};
