import { gauge } from '@keepwatch/core/metrics';
import type { MilvusCollector } from '../snapshot.ts';

const metrics = {
  count: gauge('databases', 'Databases the exporter user can see (ListDatabases).'),
  denyWriting: gauge('database_force_deny_writing', 'Whether writes to the database are denied by its database.force.deny.writing property: 1 yes, 0 no.', [
    'db',
  ]),
  denyReading: gauge('database_force_deny_reading', 'Whether reads from the database are denied by its database.force.deny.reading property: 1 yes, 0 no.', [
    'db',
  ]),
  maxCollections: gauge('database_max_collections', 'The database.max.collections limit of the database, where set.', ['db']),
};

const isTrue = (value: string | undefined) => value?.toLowerCase() === 'true';

export const databasesCollector: MilvusCollector = {
  name: 'databases',
  help: 'Databases and their write/read denial and collection limit properties (ListDatabases, DescribeDatabase).',
  defaultEnabled: true,
  metrics: Object.values(metrics),
  reads: ['databases'],
  collect(snapshot, sink) {
    const databases = snapshot.read('databases');
    sink.emit(metrics.count, databases.length);
    for (const { name, properties } of databases) {
      if (properties === undefined) continue;
      const labels = { db: name };
      sink.emit(metrics.denyWriting, isTrue(properties['database.force.deny.writing']) ? 1 : 0, labels);
      sink.emit(metrics.denyReading, isTrue(properties['database.force.deny.reading']) ? 1 : 0, labels);
      const limit = Number(properties['database.max.collections']);
      if (properties['database.max.collections'] !== undefined && Number.isFinite(limit)) sink.emit(metrics.maxCollections, limit, labels);
    }
  },
};
