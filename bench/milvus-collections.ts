import { milvusExporter } from '../packages/milvus-exporter/src/definition.ts';
import { parseMetrics, startDefinitionExporter } from '../packages/testing/src/index.ts';
import { milvusWithCollections } from './harness.ts';

/**
 * How milvus-exporter's scrape grows with the number of collections, against the gRPC stand-in on loopback
 * with a fixed per-call delay (a stand-in for Milvus' own work): RPCs per scrape, scrape time at several
 * --milvus.concurrency values, and what --collector.collections.refresh-interval saves. Prints figures only.
 */
const collectionCounts = [10, 200];
const concurrencies = [1, 4, 16];
const callDelayMs = Number(process.env.BENCH_MILVUS_DELAY_MS ?? 2);

async function measure(collections: number, args: string[]): Promise<{ ms: number; calls: number; up: number; exported: number }> {
  const milvus = await milvusWithCollections(collections, (state) => {
    for (const rpc of ['DescribeCollection', 'GetCollectionStatistics', 'GetLoadState', 'GetReplicas', 'DescribeIndex'])
      state.faults.set(rpc, { kind: 'delay', ms: callDelayMs });
  });
  // In the scrape, as before background reads: this table is about what reading them in the scrape costs.
  const exporter = await startDefinitionExporter(milvusExporter, [
    ...['--milvus.address', milvus.address, '--log.level', 'error', '--collector.collections.background-after', '100000'],
    ...args,
  ]);
  const headers = { 'X-Prometheus-Scrape-Timeout-Seconds': '60' };
  await fetch(`${exporter.url}/metrics`, { headers }).then((response) => response.text());
  const before = milvus.calls.length;
  const started = performance.now();
  const text = await fetch(`${exporter.url}/metrics`, { headers }).then((response) => response.text());
  const ms = performance.now() - started;
  const metrics = parseMetrics(text);
  const result = { ms, calls: milvus.calls.length - before, up: metrics.value('milvus_up') ?? -1, exported: metrics.all('milvus_collection_rows').length };
  await exporter.close();
  await milvus.close();
  return result;
}

console.log(`milvus-exporter against the stand-in, ${callDelayMs} ms per per-collection call, second scrape of each exporter\n`);
console.log('| collections | concurrency | refresh interval | RPCs per scrape | scrape time | up | collections exported |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const collections of collectionCounts) {
  for (const concurrency of concurrencies) {
    const result = await measure(collections, ['--milvus.concurrency', String(concurrency), '--collector.collections.limit', '1000']);
    console.log(`| ${collections} | ${concurrency} | 0 | ${result.calls} | ${result.ms.toFixed(1)} ms | ${result.up} | ${result.exported} |`);
  }
  const cached = await measure(collections, [
    '--milvus.concurrency',
    '4',
    '--collector.collections.limit',
    '1000',
    '--collector.collections.refresh-interval',
    '300',
  ]);
  console.log(`| ${collections} | 4 | 300 s | ${cached.calls} | ${cached.ms.toFixed(1)} ms | ${cached.up} | ${cached.exported} |`);
}

/**
 * Beyond --collector.collections.background-after: the per-collection reads run in the background at
 * --collector.collections.rate. For 1,000 and 10,000 collections: how long a scrape takes (it never waits for
 * them), the calls per second the stand-in saw over a window, how many series a scrape exports, and how many
 * collections were still unread at the end of the window.
 */
const backgroundCounts = [1000, 10_000];
const rate = Number(process.env.BENCH_MILVUS_RATE ?? 5);
const windowSeconds = 20;
const perCollectionRpcs = new Set(['DescribeCollection', 'GetCollectionStatistics', 'GetLoadState', 'GetLoadingProgress', 'GetReplicas', 'DescribeIndex']);
console.log(`\nBackground reads at --collector.collections.rate ${rate}, over ${windowSeconds} s, --collector.collections.limit 100000:\n`);
console.log('| collections | scrape time (first / last) | per-collection calls per second | series per scrape | unread at the end |');
console.log('| --- | --- | --- | --- | --- |');
for (const collections of backgroundCounts) {
  const milvus = await milvusWithCollections(collections);
  const exporter = await startDefinitionExporter(milvusExporter, [
    ...['--milvus.address', milvus.address, '--log.level', 'error', '--collector.collections.limit', '100000'],
    ...['--collector.collections.rate', String(rate)],
  ]);
  const headers = { 'X-Prometheus-Scrape-Timeout-Seconds': '60' };
  const timedScrape = async () => {
    const started = performance.now();
    const text = await fetch(`${exporter.url}/metrics`, { headers }).then((response) => response.text());
    return { ms: performance.now() - started, metrics: parseMetrics(text) };
  };
  const first = await timedScrape();
  const callsBefore = milvus.calls.filter((call) => perCollectionRpcs.has(call.method)).length;
  const windowStart = performance.now();
  let last = first;
  while (performance.now() - windowStart < windowSeconds * 1000) {
    await new Promise((resolve) => setTimeout(resolve, 5000));
    last = await timedScrape();
  }
  const calls = milvus.calls.filter((call) => perCollectionRpcs.has(call.method)).length - callsBefore;
  const perSecond = calls / ((performance.now() - windowStart) / 1000);
  console.log(
    `| ${collections} | ${first.ms.toFixed(0)} / ${last.ms.toFixed(0)} ms | ${perSecond.toFixed(2)} | ${last.metrics.samples.length} | ${last.metrics.value('milvus_collections_details_unread')} |`,
  );
  await exporter.close();
  await milvus.close();
}
