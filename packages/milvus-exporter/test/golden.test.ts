import { expositionShape } from '@keepwatch/testing';
import { startMilvusStandin } from '@keepwatch/testing/milvus-standin';
import { expect, test } from 'vitest';
import { startTestExporter } from './harness/exporter.ts';

test('golden exposition: a fixed scrape of the Milvus stand-in has exactly the families and series on file (`pnpm run golden` rewrites it)', async () => {
  const milvus = await startMilvusStandin();
  const exporter = await startTestExporter(milvus.address);
  try {
    await expect(expositionShape((await exporter.scrape()).text)).toMatchFileSnapshot('./golden/milvus.txt');
  } finally {
    await exporter.close();
    await milvus.close();
  }
});
