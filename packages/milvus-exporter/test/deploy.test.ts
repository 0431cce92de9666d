import { readFileSync } from 'node:fs';
import { allSucceeded, expectDockerfileBuilds, expectProcessMetricsOf, freePort, isolatedCopy, scrapeWhenServing, startBundle } from '@keepwatch/testing';
import { type MilvusStandin, startMilvusStandin } from '@keepwatch/testing/milvus-standin';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bundle } from '../../../scripts/bundle/bundle.ts';
import { dockerfilePath, imageCommandLine } from '../../../scripts/bundle/image.ts';
import { milvusExporter } from '../src/definition.ts';

describe('the production bundle the container image runs for milvus-exporter', () => {
  let milvus: MilvusStandin;

  beforeAll(async () => {
    milvus = await startMilvusStandin();
  });
  afterAll(async () => {
    await milvus?.close();
  });

  test("starts with plain node and the image's node flags, reads Milvus through the bundled SDK, stops on SIGTERM", async () => {
    const port = await freePort();
    const exporter = startBundle(
      isolatedCopy(await bundle('milvus-exporter')),
      ['--milvus.address', milvus.address, '--web.listen-address', `127.0.0.1:${port}`],
      imageCommandLine(),
    );
    try {
      const metrics = await scrapeWhenServing(port);
      expect(metrics.value('milvus_up')).toBe(1);
      expect(metrics.value('milvus_collection_rows', { db: 'default', collection: 'docs' })).toBe(600123);
      expect(metrics.collectorSuccess('milvus')).toEqual(
        allSucceeded(milvusExporter.collectors.filter((collector) => collector.defaultEnabled).map((collector) => collector.name)),
      );
      expect(metrics.all('milvus_exporter_build_info')[0]?.labels.version).toBe(milvusExporter.version);
      expectProcessMetricsOf(exporter.pid, metrics);
    } finally {
      expect((await exporter.stop()).code).toBe(0);
    }
  });

  test('the Dockerfile documents how to build this image and exposes its port', () => {
    expectDockerfileBuilds(readFileSync(dockerfilePath, 'utf8'), 'milvus-exporter', milvusExporter.defaultPort);
  });
});
