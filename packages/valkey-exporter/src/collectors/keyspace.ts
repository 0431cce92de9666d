import { keyspace } from '@keepwatch/core/redis-info';
import type { ValkeyCollector } from '../snapshot.ts';

/** Keyspace attribute -> metric; attributes a newer server adds are exported untyped under their own name. */
const attributes: Record<string, { metric: string; help: string; scale?: number }> = {
  keys: { metric: 'db_keys', help: 'Keys in the database (INFO keyspace keys)' },
  expires: { metric: 'db_keys_expiring', help: 'Keys with an expiry in the database (INFO keyspace expires)' },
  avg_ttl: { metric: 'db_avg_ttl_seconds', help: 'Estimated average TTL of keys with an expiry, in seconds (INFO keyspace avg_ttl)', scale: 1e-3 },
  keys_with_volatile_items: {
    metric: 'db_keys_with_volatile_items',
    help: 'Keys holding hash fields with their own expiry (INFO keyspace keys_with_volatile_items)',
  },
  subexpiry: { metric: 'db_keys_with_expiring_fields', help: 'Keys holding hash fields with their own expiry (INFO keyspace subexpiry)' },
};

export const keyspaceCollector: ValkeyCollector = {
  name: 'keyspace',
  help: 'Keys, expiring keys and average TTL per database, parsed by attribute name.',
  defaultEnabled: true,
  collect({ info }, sink) {
    for (const { db, attributes: values } of keyspace(info)) {
      for (const [attribute, value] of values) {
        const known = attributes[attribute];
        if (known === undefined) {
          const name = `db_${attribute.replace(/[^a-zA-Z0-9_]/g, '_')}`;
          sink.add(name, 'untyped', `Uncatalogued keyspace attribute, exported as read (INFO keyspace ${attribute})`, value, { db });
        } else {
          sink.gauge(known.metric, known.help, value * (known.scale ?? 1), { db });
        }
      }
    }
  },
};
