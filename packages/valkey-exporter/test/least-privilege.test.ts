import { serverBuilds } from '@keepwatch/testing/builds';
import { startTopology, type Topology } from '@keepwatch/testing/valkey-topology';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { valkeyAclRules } from '../src/acl.ts';
import { startTestExporter, type TestExporter } from './harness/exporter.ts';

const errorCounters = async (topology: Topology) => {
  const info = await topology.primary.admin().info('all');
  const total = Number(/total_error_replies:(\d+)/.exec(info)?.[1]);
  const errorstats = info
    .split('\r\n')
    .filter((line) => line.startsWith('errorstat_'))
    .join(',');
  const denied = info
    .split('\r\n')
    .filter((line) => line.startsWith('acl_access_denied_'))
    .join(',');
  return { total, errorstats, denied };
};

describe.each(serverBuilds)('least-privilege user on a real $id server', (build) => {
  let topology: Topology;
  let exporter: TestExporter;

  beforeAll(async () => {
    topology = await startTopology(build, valkeyAclRules);
    // With a database number in the address, as redis_exporter users write it: still no refused command.
    const [flag = '', address = '', ...rest] = topology.exporterArgs();
    exporter = await startTestExporter([flag, `${address}/3`, ...rest]);
  });

  afterAll(async () => {
    await exporter?.close();
    await topology?.dispose();
  });

  test('100 scrapes move neither total_error_replies nor errorstats nor ACL denials', async () => {
    const before = await errorCounters(topology);
    for (let i = 0; i < 100; i += 1) {
      const metrics = await exporter.scrape();
      expect(metrics.value('valkey_up')).toBe(1);
      if (i === 0) {
        const failed = metrics.all('valkey_exporter_collector_success').filter((sample) => sample.value !== 1);
        expect(failed).toEqual([]);
      }
    }
    const after = await errorCounters(topology);
    expect(after).toEqual(before);
    expect(exporter.logs.filter((line) => /refused|NOPERM/.test(line))).toEqual([]);
  });

  test('one persistent connection across all those scrapes', async () => {
    const metrics = await exporter.scrape();
    expect(metrics.value('valkey_exporter_connects_total')).toBe(1);
    const clients = await topology.primary.admin().call('CLIENT', 'LIST');
    expect(String(clients).match(/name=keepwatch-valkey-exporter/g)).toHaveLength(1);
  });
});

describe('the rules by server version, as the README prints them', () => {
  test('Valkey 8.1 adds only +commandlog|get; every Redis takes the Valkey 8.0 rules', () => {
    const newest = valkeyAclRules();
    const valkey80 = valkeyAclRules({ flavour: 'valkey', version: '8.0' });
    expect(newest.filter((rule) => !valkey80.includes(rule))).toEqual(['+commandlog|get']);
    expect(valkeyAclRules({ flavour: 'valkey', version: '8.1' })).toEqual(newest);
    for (const version of ['7.0', '7.4', '8.0', '8.4']) expect(valkeyAclRules({ flavour: 'redis', version })).toEqual(valkey80);
  });
});
