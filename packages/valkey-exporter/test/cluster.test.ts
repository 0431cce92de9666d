import { waitFor } from '@keepwatch/testing';
import { type ServerHandle, startServer } from '@keepwatch/testing/servers';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestExporter, type TestExporter } from './harness/exporter.ts';

describe.each(['valkey', 'redis'] as const)('cluster mode on a real %s server', (flavour) => {
  let server: ServerHandle;
  let exporter: TestExporter;

  beforeAll(async () => {
    server = await startServer(flavour, { args: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf'] });
    exporter = await startTestExporter(['--valkey.addr', server.url]);
  });

  afterAll(async () => {
    await exporter?.close();
    await server?.dispose();
  });

  test('CLUSTER INFO is collected only in cluster mode, and follows the state', async () => {
    let metrics = await exporter.scrape();
    expect(metrics.value('valkey_exporter_collector_success', { collector: 'cluster' })).toBe(1);
    expect(metrics.value('valkey_cluster_enabled')).toBe(1);
    expect(metrics.value('valkey_cluster_state')).toBe(0);
    expect(metrics.value('valkey_cluster_slots_assigned')).toBe(0);

    await server.admin().call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
    await waitFor('cluster state ok', async () => ((await server.admin().call('CLUSTER', 'INFO')) as string).includes('cluster_state:ok') || undefined);
    metrics = await exporter.scrape();
    expect(metrics.value('valkey_cluster_state')).toBe(1);
    expect(metrics.value('valkey_cluster_slots_assigned')).toBe(16384);
    expect(metrics.value('valkey_cluster_slots_ok')).toBe(16384);
    expect(metrics.value('valkey_cluster_known_nodes')).toBe(1);
    expect(metrics.value('valkey_cluster_size')).toBe(1);
    expect(metrics.types.get('valkey_cluster_messages_sent_total')).toBe('counter');
  });
});
