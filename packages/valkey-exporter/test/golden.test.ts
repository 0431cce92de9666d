import { expositionShape } from '@keepwatch/testing';
import { type ServerHandle, startServer } from '@keepwatch/testing/servers';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestExporter, type TestExporter } from './harness/exporter.ts';

describe('golden exposition (`pnpm run golden` rewrites it after a deliberate change)', () => {
  let server: ServerHandle;
  let exporter: TestExporter;

  beforeAll(async () => {
    server = await startServer('valkey', { args: ['--maxmemory', '64mb'] });
    const admin = server.admin();
    await admin.set('app:1', 'v');
    await admin.get('app:1');
    exporter = await startTestExporter(['--valkey.addr', server.url]);
  });

  afterAll(async () => {
    await exporter?.close();
    await server?.dispose();
  });

  test('a fixed scrape of a fresh Valkey 8.0 has exactly the families and series on file', async () => {
    // The second scrape: the first one's own commands are in commandstats from then on.
    await exporter.scrape();
    const metrics = await exporter.scrape();
    await expect(expositionShape(metrics.text)).toMatchFileSnapshot('./golden/valkey.txt');
  });
});
