import type { MilvusCollector } from '../snapshot.ts';
import { collectionsCollector } from './collections.ts';
import { componentsCollector } from './components.ts';
import { databasesCollector } from './databases.ts';
import { healthCollector } from './health.ts';
import { indexesCollector } from './indexes.ts';
import { infoCollector } from './info.ts';
import { rbacCollector } from './rbac.ts';
import { resourceGroupsCollector } from './resource-groups.ts';

/** Every collector, in the order the docs list them. */
export const milvusCollectors: readonly MilvusCollector[] = [
  infoCollector,
  healthCollector,
  componentsCollector,
  databasesCollector,
  collectionsCollector,
  indexesCollector,
  resourceGroupsCollector,
  rbacCollector,
];
