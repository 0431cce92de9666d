import { gauge, type MetricDescriptor, untyped } from '@keepwatch/core/metrics';
import { keyspace } from '@keepwatch/core/redis-info';
import type { ValkeyCollector } from '../snapshot.ts';

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
};

export const keyspaceCollector: ValkeyCollector = {
  name: 'keyspace',
  help: 'Keys, expiring keys and average TTL per database, parsed by attribute name.',
  defaultEnabled: true,
  metrics: [
    ...Object.values(attributes).map((attribute) => attribute.metric),
    untyped('db_<attribute>', 'Any other keyspace attribute, exported as read.', ['db']),
  ],
  collect({ info }, sink) {
    for (const { db, attributes: values } of keyspace(info)) {
      for (const [attribute, value] of values) {
        const known = attributes[attribute];
        const name = `db_${attribute.replace(/[^a-zA-Z0-9_]/g, '_')}`;
        const metric = known?.metric ?? untyped(name, `Uncatalogued keyspace attribute, exported as read (INFO keyspace ${attribute}).`, ['db']);
        sink.emit(metric, value * (known?.scale ?? 1), { db });
      }
    }
  },
};
