import { gauge } from '@keepwatch/core/metrics';
import { parseNumber } from '@keepwatch/resp/info';
import type { DragonflyCollector } from '../capabilities.ts';

const byType = gauge(
  'memory_used_by_type_bytes',
  'Heap bytes of values by data type (INFO type_used_memory_<type>; `key` is the bytes of keys not stored inline). Only types in use appear.',
  ['type'],
);

export const memoryTypesCollector: DragonflyCollector = {
  name: 'memory-types',
  help: 'Value memory by data type (string, list, set, zset, hash, key, stream and module types).',
  defaultEnabled: true,
  metrics: [byType],
  collect({ info }, sink) {
    for (let index = 0; index < info.keys.length; index += 1) {
      const key = info.keys[index] as string;
      const value = info.values[index] as string;
      if (!key.startsWith('type_used_memory_')) continue;
      const bytes = parseNumber(value);
      if (bytes !== undefined) sink.emit(byType, bytes, { type: key.slice('type_used_memory_'.length) });
    }
  },
};
