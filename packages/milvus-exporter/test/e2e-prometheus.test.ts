import { type PrometheusHandle, promtoolCheckMetrics, startPrometheus, waitFor } from '@keepwatch/testing';
import { type MilvusStandin, startMilvusStandin } from '@keepwatch/testing/milvus-standin';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestExporter, type TestExporter } from './harness/exporter.ts';

describe('end to end: a real Prometheus scrapes milvus-exporter', () => {
  let milvus: MilvusStandin;
  let exporter: TestExporter;
  let prometheus: PrometheusHandle;

  beforeAll(async () => {
    milvus = await startMilvusStandin();
    exporter = await startTestExporter(milvus.address);
    prometheus = await startPrometheus({ milvus: [new URL(exporter.url).host] });
  });
  afterAll(async () => {
    await prometheus?.stop();
    await exporter?.close();
    await milvus?.close();
  });

  const eventually = (query: string, expected: number) =>
    waitFor(`${query} == ${expected} in Prometheus`, async () => ((await prometheus.value(query)) === expected ? true : undefined), 200, 100);

  test('Prometheus stores what the exporter read within its 1 s scrape timeout, and sees state change', async () => {
    await eventually('up{job="milvus"}', 1);
    await eventually('milvus_up', 1);
    await eventually('milvus_healthy', 1);
    await eventually('min(milvus_exporter_collector_success)', 1);
    await eventually('milvus_collection_rows{db="default",collection="docs"}', 600123);
    await eventually('count(milvus_component_healthy == 1)', 8);
    const archive = milvus.state.databases.get('default')?.collections.get('archive');
    if (archive === undefined) throw new Error('no archive collection');
    Object.assign(archive, { loadState: 'LoadStateLoading', loadingProgress: 25, replicas: 1 });
    await eventually('milvus_collection_loading_progress_ratio{collection="archive"}', 0.25);
    await eventually('milvus_collection_load_state{collection="archive",state="LoadStateLoading"}', 1);
    milvus.state.healthy = false;
    await eventually('milvus_healthy', 0);
  });

  test('promtool accepts the exposition', async () => {
    expect(promtoolCheckMetrics((await exporter.scrape()).text)).toEqual({ status: 0, output: '' });
  });
});
