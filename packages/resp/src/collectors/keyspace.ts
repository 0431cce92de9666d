import { counter, gauge, LabelCap, type MetricDescriptor, type MetricSink, overflowLabelValue, scaled, untyped } from '@keepwatch/core/metrics';
import { keyspace } from '../info/index.ts';
import type { RespCollector } from '../snapshot.ts';

/** Keyspace attribute -> metric; attributes a newer server adds are exported untyped under their own name. */
const attributes: Record<string, { metric: MetricDescriptor; scale?: number }> = {
  keys: { metric: gauge('db_keys', 'Keys in the database (INFO keyspace keys).', ['db']) },
  expires: { metric: gauge('db_keys_expiring', 'Keys with an expiry in the database (INFO keyspace expires).', ['db']) },
  avg_ttl: {
    metric: gauge('db_avg_ttl_seconds', "The server's estimate of the average TTL of keys with an expiry, in seconds (INFO keyspace avg_ttl).", ['db']),
    scale: 1e-3,
  },
  keys_with_volatile_items: {
    metric: gauge('db_keys_with_volatile_items', 'Keys holding hash fields with their own expiry (INFO keyspace keys_with_volatile_items, Valkey 9).', ['db']),
  },
  subexpiry: { metric: gauge('db_keys_with_expiring_fields', 'Keys holding hash fields with their own expiry (INFO keyspace subexpiry, Redis 7.4+).', ['db']) },
  hits: { metric: counter('db_keyspace_hits_total', 'Successful key lookups in the database (INFO keyspace hits, Dragonfly 1.34+).', ['db']) },
  misses: { metric: counter('db_keyspace_misses_total', 'Failed key lookups in the database (INFO keyspace misses, Dragonfly 1.34+).', ['db']) },
};

/** Attributes that carry nothing of their own: a ratio of two exported counters. */
const derived = new Set(['hit_ratio']);

/** Attributes that are averages: a database beyond the cap cannot add them to the overflow series. */
const averages = new Set(['avg_ttl']);

/** Distinct uncatalogued attribute names exported (each is a metric name); a hostile reply could invent thousands. */
const maxUnknownAttributes = 16;

export function keyspaceCollector(options: { maxDatabases: number }): RespCollector {
  const databases = new LabelCap(options.maxDatabases);
  const unknownAttributes = new LabelCap(maxUnknownAttributes);
  return {
    name: 'keyspace',
    help: 'Keys, expiring keys, average TTL and (Dragonfly) hits and misses per database, parsed by attribute name.',
    defaultEnabled: true,
    metrics: [
      ...Object.values(attributes).map((attribute) => attribute.metric),
      untyped('db_<attribute>', 'Any other keyspace attribute, exported as read.', ['db']),
    ],
    collect({ info }, sink) {
      const overflow = new Map<string, number>();
      for (const { db, attributes: values } of keyspace(info)) {
        const label = databases.admit(db);
        for (const [attribute, value] of values) {
          if (derived.has(attribute)) continue;
          // Dragonfly prints avg_ttl:-1 always: not implemented, not a TTL.
          if (attribute === 'avg_ttl' && value < 0) continue;
          if (attributes[attribute] === undefined && unknownAttributes.admit(attribute) !== attribute) continue;
          if (label === db) emitAttribute(sink, attribute, value, db);
          else if (!averages.has(attribute)) overflow.set(attribute, (overflow.get(attribute) ?? 0) + value);
        }
      }
      for (const [attribute, value] of overflow) emitAttribute(sink, attribute, value, overflowLabelValue);
    },
  };
}

function emitAttribute(sink: MetricSink, attribute: string, value: number, db: string): void {
  const known = attributes[attribute];
  const metric =
    known?.metric ??
    untyped(`db_${attribute.replace(/[^a-zA-Z0-9_]/g, '_')}`, `Uncatalogued keyspace attribute, exported as read (INFO keyspace ${attribute}).`, ['db']);
  sink.emit(metric, scaled(value, known?.scale ?? 1), { db });
}
