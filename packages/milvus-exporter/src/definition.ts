import type { ExporterDefinition } from '@keepwatch/core/bootstrap';
import { collectionFlags, collectionOptions } from './collection-filter.ts';
import { milvusCollectors } from './collectors/index.ts';
import { connectionFlags, milvusSettings } from './settings.ts';
import type { MilvusCaps, MilvusCollector, MilvusSnapshot } from './snapshot.ts';
import { MilvusTarget } from './target.ts';

export const milvusExporter: ExporterDefinition<MilvusCaps, MilvusSnapshot, MilvusCollector> = {
  engine: 'milvus',
  name: 'milvus-exporter',
  description: 'Prometheus exporter for Milvus: health, components, collections, indexes, quotas and access security signals.',
  version: '0.1.0',
  defaultPort: 9868,
  flags: [...connectionFlags, ...collectionFlags],
  collectors: milvusCollectors,
  configure(flags, env) {
    const settings = milvusSettings(flags, env);
    const collections = collectionOptions(flags);
    return {
      secrets: [settings.password, settings.token].filter((secret): secret is string => secret !== undefined),
      targetDisplay: settings.display,
      build: (log) => ({ target: new MilvusTarget({ settings, collections, log }), collectors: milvusCollectors }),
    };
  },
};
