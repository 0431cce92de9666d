import type { FlagSpec, ParsedFlags } from '@keepwatch/core/cli';
import { KeepwatchError } from '@keepwatch/core/errors';

/** Which collections get per-collection series, and how often their details are read. */
export interface CollectionOptions {
  readonly include: RegExp;
  readonly exclude: RegExp | undefined;
  readonly limit: number;
  readonly refreshIntervalMs: number;
  /** Beyond this many selected collections, their details are read in the background, not in the scrape. */
  readonly backgroundAfter: number;
  /** The background reader's calls per second. */
  readonly ratePerSecond: number;
}

export const collectionFlags: readonly FlagSpec[] = [
  {
    name: 'collector.collections.include',
    kind: 'string',
    default: '.+',
    help: 'Regular expression (fully anchored) on <database>.<collection>: only matching collections get per-collection and per-index series.',
  },
  {
    name: 'collector.collections.exclude',
    kind: 'string',
    help: 'Regular expression (fully anchored) on <database>.<collection>: matching collections are skipped, after --collector.collections.include.',
  },
  {
    name: 'collector.collections.limit',
    kind: 'number',
    default: 200,
    range: { min: 1, max: 100_000, integer: true },
    help: 'Most collections exported (in database, then name order); the rest are counted in collections_unexported{reason="limit"}.',
  },
  {
    name: 'collector.collections.refresh-interval',
    kind: 'number',
    default: 0,
    range: { min: 0, max: 86_400, unit: 'seconds' },
    help: 'Seconds to reuse per-collection and per-index details between scrapes (0: read on every scrape); for deployments with many collections.',
  },
  {
    name: 'collector.collections.background-after',
    kind: 'number',
    default: 50,
    range: { min: 0, max: 100_000, integer: true },
    help: 'Beyond this many selected collections, their details are read in the background at --collector.collections.rate, and a scrape never waits for them.',
  },
  {
    name: 'collector.collections.rate',
    kind: 'number',
    default: 5,
    range: { min: 0.1, max: 1000 },
    help: 'Calls per second the background reader sends to the proxy (a collection costs 4 or 5: a full pass takes collections x 5 / rate seconds).',
  },
];

function anchored(flag: string, source: string): RegExp {
  try {
    return new RegExp(`^(?:${source})$`);
  } catch (error) {
    throw new KeepwatchError('KW_ERR_FLAG', `--${flag} ${JSON.stringify(source)} is not a valid regular expression: ${(error as Error).message}`);
  }
}

export function collectionOptions(flags: ParsedFlags): CollectionOptions {
  const exclude = flags.optionalString('collector.collections.exclude');
  const refreshSeconds = flags.number('collector.collections.refresh-interval');
  return {
    include: anchored('collector.collections.include', flags.string('collector.collections.include')),
    exclude: exclude === undefined || exclude === '' ? undefined : anchored('collector.collections.exclude', exclude),
    limit: flags.number('collector.collections.limit'),
    refreshIntervalMs: refreshSeconds * 1000,
    backgroundAfter: flags.number('collector.collections.background-after'),
    ratePerSecond: flags.number('collector.collections.rate'),
  };
}

export interface ListedCollection {
  readonly db: string;
  readonly name: string;
  readonly id: string;
}

/** Applies the patterns, then the cap in a stable order, so the same collections keep their series. */
export function selectCollections(
  listed: readonly ListedCollection[],
  options: CollectionOptions,
): { selected: ListedCollection[]; excluded: number; overLimit: number } {
  const matching = listed
    .filter((collection) => {
      const key = `${collection.db}.${collection.name}`;
      return options.include.test(key) && !(options.exclude?.test(key) ?? false);
    })
    .sort((a, b) => (a.db === b.db ? (a.name < b.name ? -1 : 1) : a.db < b.db ? -1 : 1));
  const selected = matching.slice(0, options.limit);
  return { selected, excluded: listed.length - matching.length, overLimit: matching.length - selected.length };
}
