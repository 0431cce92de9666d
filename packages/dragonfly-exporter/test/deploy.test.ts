import { readFileSync } from 'node:fs';
import { expectDockerfileBuilds, expectProcessMetricsOf, freePort, isolatedCopy, scrapeWhenServing, startBundle } from '@keepwatch/testing';
import { type DragonflyStandIn, startDragonflyStandIn } from '@keepwatch/testing/dragonfly-standin';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bundle } from '../../../scripts/bundle/bundle.ts';
import { dockerfilePath, imageCommandLine } from '../../../scripts/bundle/image.ts';
import { defaultPort, dragonflyExporter } from '../src/definition.ts';

describe('the production bundle the container image runs for dragonfly-exporter', () => {
  let dragonfly: DragonflyStandIn;

  beforeAll(async () => {
    dragonfly = await startDragonflyStandIn();
  });
  afterAll(async () => {
    await dragonfly?.close();
  });

  test("starts with plain node and the image's node flags, reads the server with up 1, stops on SIGTERM", async () => {
    const port = await freePort();
    const exporter = startBundle(
      isolatedCopy(await bundle('dragonfly-exporter')),
      ['--dragonfly.addr', dragonfly.url, '--web.listen-address', `127.0.0.1:${port}`],
      imageCommandLine(),
    );
    try {
      const metrics = await scrapeWhenServing(port);
      expect(metrics.value('dragonfly_up')).toBe(1);
      expect(metrics.value('dragonfly_db_keys', { db: 'db1' })).toBe(2222);
      expect(metrics.all('dragonfly_exporter_build_info')[0]?.labels.version).toBe(dragonflyExporter.version);
      expectProcessMetricsOf(exporter.pid, metrics);
    } finally {
      expect(await exporter.stop()).toEqual({ code: 0, loaded: '' });
    }
  });

  test('the Dockerfile documents how to build this image and exposes its port', () => {
    expectDockerfileBuilds(readFileSync(dockerfilePath, 'utf8'), 'dragonfly-exporter', defaultPort);
  });
});
