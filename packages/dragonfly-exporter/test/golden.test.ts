import { expositionShape } from '@keepwatch/testing';
import { startDragonflyStandIn } from '@keepwatch/testing/dragonfly-standin';
import { expect, test } from 'vitest';
import { startTestExporter } from './harness/exporter.ts';

test('golden exposition: a fixed scrape of the Dragonfly 1.40 stand-in has exactly the families and series on file (`pnpm run golden` rewrites it)', async () => {
  const dragonfly = await startDragonflyStandIn();
  const exporter = await startTestExporter(['--dragonfly.addr', dragonfly.url]);
  try {
    // The second scrape: the first one's own commands are in commandstats from then on.
    await exporter.scrape();
    await expect(expositionShape((await exporter.scrape()).text)).toMatchFileSnapshot('./golden/dragonfly.txt');
  } finally {
    await exporter.close();
    await dragonfly.close();
  }
});
