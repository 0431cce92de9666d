import { type PrometheusHandle, promtoolCheckMetrics, startPrometheus, waitFor } from '@keepwatch/testing';
import { type DragonflyStandIn, startDragonflyStandIn } from '@keepwatch/testing/dragonfly-standin';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestExporter, type TestExporter } from './harness/exporter.ts';

describe('end to end: a real Prometheus scrapes dragonfly-exporter', () => {
  let dragonfly: DragonflyStandIn;
  let exporter: TestExporter;
  let prometheus: PrometheusHandle;

  beforeAll(async () => {
    dragonfly = await startDragonflyStandIn();
    exporter = await startTestExporter(['--dragonfly.addr', dragonfly.url]);
    prometheus = await startPrometheus({ dragonfly: [new URL(exporter.url).host] });
  });
  afterAll(async () => {
    await prometheus?.stop();
    await exporter?.close();
    await dragonfly?.close();
  });

  const eventually = (query: string, expected: number) =>
    waitFor(`${query} == ${expected} in Prometheus`, async () => ((await prometheus.value(query)) === expected ? true : undefined), 200, 100);

  test('Prometheus stores what the exporter read, and sees a counter move', async () => {
    await eventually('up{job="dragonfly"}', 1);
    await eventually('dragonfly_up', 1);
    await eventually('dragonfly_memory_max_bytes', 12884901888);
    await eventually('dragonfly_db_keys{db="db1"}', 2222);
    await eventually('dragonfly_connected_slave_state{state="online"}', 1);
    dragonfly.bump('Stats', 'evicted_keys', 5);
    await eventually('dragonfly_evicted_keys_total', 5);
    expect(await prometheus.value('scrape_samples_scraped{job="dragonfly"}')).toBeGreaterThan(250);
  });

  test('promtool accepts the exposition', async () => {
    expect(promtoolCheckMetrics((await exporter.scrape()).text)).toEqual({ status: 0, output: '' });
  });
});
