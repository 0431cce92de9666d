import { waitFor } from '@keepwatch/testing';
import { type MilvusStandin, startMilvusStandin } from '@keepwatch/testing/milvus-standin';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestExporter, type TestExporter } from './harness/exporter.ts';

const perCollection = new Set(['DescribeCollection', 'GetCollectionStatistics', 'GetLoadState', 'GetLoadingProgress', 'GetReplicas', 'DescribeIndex']);
const extra = 120;
const rate = 400;

describe('many collections: details read in the background at a bounded rate, scrapes never wait (gRPC stand-in)', () => {
  let milvus: MilvusStandin;
  let exporter: TestExporter;
  let started: number;

  beforeAll(async () => {
    milvus = await startMilvusStandin((state) => {
      const db = state.databases.get('analytics');
      const template = db?.collections.get('events');
      for (let i = 0; i < extra; i += 1) db?.collections.set(`c${i}`, { ...structuredClone(template), id: `92${i}` } as never);
    });
    started = Date.now();
    exporter = await startTestExporter(milvus.address, [
      ...['--collector.collections.limit', '1000', '--collector.collections.background-after', '50', '--collector.collections.rate', String(rate)],
    ]);
  });

  afterAll(async () => {
    await exporter?.close();
    await milvus?.close();
  });

  const collectionCalls = () => milvus.calls.filter((call) => perCollection.has(call.method)).length;

  test('the first scrape answers before the details are read, saying how many are unread', async () => {
    const metrics = await exporter.scrape();
    expect(metrics.value('milvus_up')).toBe(1);
    const unread = metrics.value('milvus_collections_details_unread') ?? 0;
    expect(unread).toBeGreaterThan(0);
    expect(metrics.all('milvus_collection_rows').length).toBeLessThan(extra + 3);
  });

  test('then every collection is read, the oldest reading is aged, and the calls never outran the rate', async () => {
    const metrics = await waitFor(
      'every collection read',
      async () => {
        const scraped = await exporter.scrape();
        return scraped.value('milvus_collections_details_unread') === 0 ? scraped : undefined;
      },
      400,
      50,
    );
    expect(metrics.all('milvus_collection_rows').length).toBe(extra + 3);
    expect(metrics.value('milvus_collection_rows', { db: 'analytics', collection: 'c7' })).toBe(
      metrics.value('milvus_collection_rows', { db: 'analytics', collection: 'events' }),
    );
    expect(metrics.value('milvus_collections_details_age_seconds')).toBeGreaterThan(0);
    const elapsedSeconds = (Date.now() - started) / 1000;
    expect(collectionCalls()).toBeLessThanOrEqual(Math.ceil(elapsedSeconds * rate) + 1);
  });

  test('below --collector.collections.background-after the details are read in the scrape, as before', async () => {
    const small = await startMilvusStandin();
    const inline = await startTestExporter(small.address, []);
    try {
      const metrics = await inline.scrape();
      expect(metrics.value('milvus_collections_details_unread')).toBe(0);
      expect(metrics.value('milvus_collections_details_age_seconds')).toBe(0);
      expect(metrics.all('milvus_collection_rows').length).toBeGreaterThan(0);
    } finally {
      await inline.close();
      await small.close();
    }
  });
});
