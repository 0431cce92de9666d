import { type ServerHandle, startServer } from '@keepwatch/testing/servers';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestExporter } from './harness/exporter.ts';

describe('pointed at a real Valkey server', () => {
  let valkey: ServerHandle;
  beforeAll(async () => {
    valkey = await startServer('valkey');
  });
  afterAll(async () => {
    await valkey.stop();
  });

  test('refuses to report it as Dragonfly: up 0 and one KW_ERR_TARGET_ENGINE line naming the right exporter', async () => {
    const exporter = await startTestExporter(['--dragonfly.addr', valkey.url]);
    try {
      const metrics = await exporter.scrape();
      expect(metrics.value('dragonfly_up')).toBe(0);
      expect(metrics.all('dragonfly_instance_info')).toEqual([]);
      const line = exporter.logs.find((entry) => entry.includes('KW_ERR_TARGET_ENGINE'));
      expect(line).toMatch(/Valkey 8\.\d+\.\d+, not Dragonfly.*use valkey-exporter/);
    } finally {
      await exporter.close();
    }
  });
});
