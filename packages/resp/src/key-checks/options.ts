import { type FlagSpec, labelCapRange, type ParsedFlags } from '@keepwatch/core/cli';
import { type DbKey, parseDbKeys } from './keys-argument.ts';
import { luaPatternToRegExp } from './lua-pattern.ts';

/** What the key, key-group and stream checks read; each is off until given keys or patterns. */
export interface KeyCheckOptions {
  readonly keys: readonly DbKey[];
  readonly singleKeys: readonly DbKey[];
  readonly countKeys: readonly DbKey[];
  readonly exportValues: boolean;
  readonly maxKeys: number;
  readonly groups: readonly RegExp[];
  readonly maxGroups: number;
  readonly streams: readonly DbKey[];
  readonly singleStreams: readonly DbKey[];
  readonly excludeConsumers: boolean;
  readonly maxConsumers: number;
  /** SCAN's COUNT hint per call. */
  readonly scanCount: number;
  /** Keys the server may examine for one collector in one scrape (SCAN COUNT per call, plus one per key read). */
  readonly scanBudget: number;
}

const keyCheckDefaults = { maxKeys: 1000, maxGroups: 100, maxConsumers: 1000, scanCount: 1000, scanBudget: 10_000 } as const;

const dbKeys = '[db=]key items; a key with * ? [ is a SCAN MATCH pattern';

/** The flags, with redis_exporter's names in the help where the meaning is the same. */
export function keyCheckFlags(): FlagSpec[] {
  const list = (name: string, help: string): FlagSpec => ({ name, kind: 'list', default: [], help });
  const number = (name: string, fallback: number, help: string, max = 1_000_000): FlagSpec => ({
    name,
    kind: 'number',
    default: fallback,
    range: { min: 1, max, integer: true },
    help,
  });
  return [
    list('collector.keys.check', `Keys whose size and memory to export (${dbKeys}), as redis_exporter --check-keys.`),
    list('collector.keys.check-single', 'Keys read directly, never as patterns ([db=]key items), as redis_exporter --check-single-keys.'),
    list('collector.keys.count', `Patterns whose matching keys to count (${dbKeys}), as redis_exporter --count-keys.`),
    {
      name: 'collector.keys.export-values',
      kind: 'boolean',
      default: false,
      help: 'Also export the values of checked string keys up to 128 bytes (key_value, key_value_as_string). Off: values can be secrets.',
    },
    {
      ...number('collector.keys.max-keys', keyCheckDefaults.maxKeys, 'Keys exported from check patterns per scrape; the rest are counted in keys_count only.'),
      range: labelCapRange,
    },
    list(
      'collector.key-groups.patterns',
      'Lua patterns whose captures name a key group (first match wins), as redis_exporter --check-key-groups; every key is scanned.',
    ),
    {
      ...number(
        'collector.key-groups.max-groups',
        keyCheckDefaults.maxGroups,
        'Distinct key groups per database before the smallest are summed as `overflow`.',
      ),
      range: labelCapRange,
    },
    list('collector.streams.check', `Streams to export (${dbKeys}; patterns scan TYPE stream only), as redis_exporter --check-streams.`),
    list('collector.streams.check-single', 'Streams read directly ([db=]key items), as redis_exporter --check-single-streams.'),
    {
      name: 'collector.streams.exclude-consumers',
      kind: 'boolean',
      default: false,
      help: 'Leave out per-consumer series, as redis_exporter --streams-exclude-consumer-metrics.',
    },
    { ...number('collector.streams.max-consumers', keyCheckDefaults.maxConsumers, 'Consumer series per scrape across all streams.'), range: labelCapRange },
    number('collector.keys.scan-count', keyCheckDefaults.scanCount, "SCAN's COUNT per call, as redis_exporter --check-keys-batch-size.", 100_000),
    number(
      'collector.keys.scan-budget',
      keyCheckDefaults.scanBudget,
      'Keys the server may examine per collector per scrape; a larger keyspace is covered over several scrapes, and results change when a pass ends.',
    ),
  ];
}

export function keyCheckOptionsFromFlags(flags: ParsedFlags): KeyCheckOptions {
  const keys = (name: string) => parseDbKeys(name, flags.list(name));
  return {
    keys: keys('collector.keys.check'),
    singleKeys: keys('collector.keys.check-single'),
    countKeys: keys('collector.keys.count'),
    exportValues: flags.boolean('collector.keys.export-values'),
    maxKeys: flags.number('collector.keys.max-keys'),
    groups: flags.list('collector.key-groups.patterns').map((pattern) => luaPatternToRegExp(pattern, 'collector.key-groups.patterns')),
    maxGroups: flags.number('collector.key-groups.max-groups'),
    streams: keys('collector.streams.check'),
    singleStreams: keys('collector.streams.check-single'),
    excludeConsumers: flags.boolean('collector.streams.exclude-consumers'),
    maxConsumers: flags.number('collector.streams.max-consumers'),
    scanCount: flags.number('collector.keys.scan-count'),
    scanBudget: flags.number('collector.keys.scan-budget'),
  };
}

/** Nothing asked: the collectors stay off and send nothing. */
export const noKeyChecks: KeyCheckOptions = {
  keys: [],
  singleKeys: [],
  countKeys: [],
  exportValues: false,
  groups: [],
  streams: [],
  singleStreams: [],
  excludeConsumers: false,
  ...keyCheckDefaults,
};
