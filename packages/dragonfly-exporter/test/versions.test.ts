import { startDragonflyStandIn } from '@keepwatch/testing/dragonfly-standin';
import { Redis } from 'ioredis';
import { describe, expect, test } from 'vitest';
import { startTestExporter } from './harness/exporter.ts';

describe('older Dragonfly versions', () => {
  test('1.35: no multi-section INFO, no no_auth kind; failed logins are read from the WRONGPASS message key', async () => {
    const dragonfly = await startDragonflyStandIn({ version: '1.35.0', requirepass: 'pw' });
    const exporter = await startTestExporter(['--dragonfly.addr', dragonfly.url], { DRAGONFLY_PASSWORD: 'pw' });
    try {
      const before = await exporter.scrape();
      expect(before.value('dragonfly_up')).toBe(1);
      expect(before.all('dragonfly_instance_info')[0]?.labels.version).toBe('1.35.0');
      expect(before.value('dragonfly_auth_failures_source_info', { source: 'errorstat_WRONGPASS' })).toBe(1);
      expect(before.value('dragonfly_auth_failures_total')).toBe(0);
      const attacker = new Redis({ port: dragonfly.port, host: '127.0.0.1', lazyConnect: true, protocol: 2, disableClientInfo: true, enableReadyCheck: false });
      await attacker.connect();
      for (let i = 0; i < 2; i += 1) await expect(attacker.call('AUTH', 'nope')).rejects.toThrow(/WRONGPASS/);
      attacker.disconnect();
      const after = await exporter.scrape();
      expect(after.value('dragonfly_auth_failures_total')).toBe(2);
      expect(after.value('dragonfly_errors_total', { err: 'WRONGPASS' })).toBe(2);
      expect([...dragonfly.errorstats().keys()].filter((key) => key.includes('syntax'))).toEqual(['syntax_error']);
      expect(dragonfly.errorstats().get('syntax_error')).toBe(14);
    } finally {
      await exporter.close();
      await dragonfly.close();
    }
  });

  test('1.37: the no_auth kind is already there (upstream 76eb03c58 is in v1.37.0): failed logins count, not 0', async () => {
    const dragonfly = await startDragonflyStandIn({ version: '1.37.0', requirepass: 'pw' });
    const exporter = await startTestExporter(['--dragonfly.addr', dragonfly.url], { DRAGONFLY_PASSWORD: 'pw' });
    try {
      const before = await exporter.scrape();
      expect(before.value('dragonfly_auth_failures_source_info', { source: 'errorstat_no_auth' })).toBe(1);
      const attacker = new Redis({ port: dragonfly.port, host: '127.0.0.1', lazyConnect: true, protocol: 2, disableClientInfo: true, enableReadyCheck: false });
      await attacker.connect();
      for (let i = 0; i < 3; i += 1) await expect(attacker.call('AUTH', 'nope')).rejects.toThrow(/WRONGPASS/);
      attacker.disconnect();
      const after = await exporter.scrape();
      expect((after.value('dragonfly_auth_failures_total') ?? 0) - (before.value('dragonfly_auth_failures_total') ?? 0)).toBe(3);
      expect(after.value('dragonfly_acl_log_events_total', { reason: 'auth', user: 'default' })).toBe(3);
    } finally {
      await exporter.close();
      await dragonfly.close();
    }
  });
});
