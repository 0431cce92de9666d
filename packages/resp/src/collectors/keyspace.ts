import { counter, gauge, type MetricDescriptor, untyped } from '@keepwatch/core/metrics';
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

export const keyspaceCollector: RespCollector = {
  name: 'keyspace',
  help: 'Keys, expiring keys, average TTL and (Dragonfly) hits and misses per database, parsed by attribute name.',
  defaultEnabled: true,
  metrics: [
    ...Object.values(attributes).map((attribute) => attribute.metric),
    untyped('db_<attribute>', 'Any other keyspace attribute, exported as read.', ['db']),
  ],
  collect({ info }, sink) {
    for (const { db, attributes: values } of keyspace(info)) {
      for (const [attribute, value] of values) {
        if (derived.has(attribute)) continue;
        // Dragonfly prints avg_ttl:-1 always: not implemented, not a TTL.
        if (attribute === 'avg_ttl' && value < 0) continue;
        const known = attributes[attribute];
        const name = `db_${attribute.replace(/[^a-zA-Z0-9_]/g, '_')}`;
        const metric = known?.metric ?? untyped(name, `Uncatalogued keyspace attribute, exported as read (INFO keyspace ${attribute}).`, ['db']);
        sink.emit(metric, value * (known?.scale ?? 1), { db });
      }
    }
  },
};
