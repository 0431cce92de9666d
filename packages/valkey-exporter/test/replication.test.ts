import { waitFor } from '@keepwatch/testing';
import { serverBuilds } from '@keepwatch/testing/builds';
import { canaryPassword, startTopology, type Topology } from '@keepwatch/testing/valkey-topology';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { valkeyAclRules } from '../src/acl.ts';
import { type Metrics, startTestExporter, type TestExporter } from './harness/exporter.ts';

/** Scrapes until `check` holds (bounded), for states the server reaches asynchronously. */
async function scrapeUntil(exporter: TestExporter, what: string, check: (metrics: Metrics) => boolean): Promise<Metrics> {
  return waitFor(what, async () => {
    const metrics = await exporter.scrape();
    return check(metrics) ? metrics : undefined;
  });
}

describe.each(serverBuilds)('replication on real $id servers', (build) => {
  let topology: Topology;
  let onPrimary: TestExporter;
  let onReplica: TestExporter;

  beforeAll(async () => {
    topology = await startTopology(build, valkeyAclRules);
    onPrimary = await startTestExporter(topology.exporterArgs());
    onReplica = await startTestExporter(topology.exporterArgs(topology.replica));
  });

  afterAll(async () => {
    await onPrimary?.close();
    await onReplica?.close();
    await topology?.dispose();
  });

  test('the primary reports each replica: state, lag in bytes (offset difference) and seconds', async () => {
    const admin = topology.primary.admin();
    for (let i = 0; i < 50; i += 1) await admin.set(`app:${i}`, 'v'.repeat(100));
    const labels = { slave_ip: '127.0.0.1', slave_port: String(topology.replica.port) };
    const metrics = await scrapeUntil(onPrimary, 'replica caught up', (m) => m.value('valkey_connected_slave_lag_bytes', labels) === 0);
    expect(metrics.value('valkey_connected_slaves')).toBe(1);
    expect(metrics.value('valkey_connected_slave_state', { ...labels, state: 'online' })).toBe(1);
    expect(metrics.value('valkey_connected_slave_state', { ...labels, state: 'send_bulk' })).toBe(0);
    expect(metrics.value('valkey_connected_slave_offset_bytes', labels)).toBe(metrics.value('valkey_master_repl_offset'));
    // A healthy replica acknowledges every second (repl-ping / REPLCONF ACK): its lag is 0 or 1 s.
    expect([0, 1]).toContain(metrics.value('valkey_connected_slave_lag_seconds', labels));
    expect(metrics.value('valkey_replication_backlog_bytes')).toBeGreaterThan(0);
    expect(metrics.value('valkey_repl_backlog_history_bytes')).toBeGreaterThan(0);
  });

  test("lag in bytes is the primary's offset minus the replica's acknowledged offset, as the server itself reports them", async () => {
    const admin = topology.primary.admin();
    const labels = { slave_ip: '127.0.0.1', slave_port: String(topology.replica.port) };
    // The server's own numbers, read before and after the scrape; equal reads mean the scrape saw the same ones.
    const serverOffsets = async () => {
      const info = await admin.info('replication');
      const primary = Number(/^master_repl_offset:(\d+)/m.exec(info)?.[1]);
      const replica = Number(/^slave0:.*\boffset=(\d+)/m.exec(info)?.[1]);
      return { primary, replica };
    };
    const { metrics, offsets } = await waitFor('a scrape between two equal server reads', async () => {
      const before = await serverOffsets();
      const scraped = await onPrimary.scrape();
      const after = await serverOffsets();
      return before.primary === after.primary && before.replica === after.replica ? { metrics: scraped, offsets: after } : undefined;
    });
    expect(offsets.primary).toBeGreaterThan(0);
    expect(metrics.value('valkey_master_repl_offset')).toBe(offsets.primary);
    expect(metrics.value('valkey_connected_slave_offset_bytes', labels)).toBe(offsets.replica);
    expect(metrics.value('valkey_connected_slave_lag_bytes', labels)).toBe(offsets.primary - offsets.replica);
  });

  test('the replica reports its link up, then down while the primary is gone, then up again', async () => {
    let metrics = await onReplica.scrape();
    expect(metrics.value('valkey_instance_role', { role: 'slave' })).toBe(1);
    expect(metrics.value('valkey_master_link_up')).toBe(1);
    expect(metrics.value('valkey_master_sync_in_progress')).toBe(0);
    expect(metrics.value('valkey_master_link_down_since_seconds')).toBeUndefined();

    await topology.primary.stop();
    const stoppedAt = Date.now();
    metrics = await scrapeUntil(onReplica, 'replica link down', (m) => m.value('valkey_master_link_up') === 0);
    // Seconds since the link went down: at most the time since the primary was killed (whole seconds on the server).
    const downSince = metrics.value('valkey_master_link_down_since_seconds');
    expect(downSince).toBeGreaterThanOrEqual(0);
    expect(downSince).toBeLessThanOrEqual(Math.ceil((Date.now() - stoppedAt) / 1000));
    expect(metrics.value('valkey_up')).toBe(1);
    const primaryDown = await onPrimary.scrape();
    expect(primaryDown.value('valkey_up')).toBe(0);

    await topology.primary.restart();
    // The restarted primary has no ACL file: recreate the exporter's user, as an operator's config would.
    await topology.primary.admin().call('ACL', 'SETUSER', 'exporter', ...topology.exporterAclRules, `>${canaryPassword}`);
    metrics = await scrapeUntil(onReplica, 'replica link up again', (m) => m.value('valkey_master_link_up') === 1);
    expect(metrics.value('valkey_master_link_down_since_seconds')).toBeUndefined();
    const primaryUp = await scrapeUntil(onPrimary, 'primary exporter reconnected', (m) => m.value('valkey_up') === 1);
    // The first connection, and one after the primary came back (failed attempts are not connections).
    expect(primaryUp.value('valkey_exporter_connects_total')).toBe(2);
    expect(primaryUp.value('valkey_connected_slaves')).toBe(1);
  });
});
