import { execFileSync } from 'node:child_process';
import { startFleet } from './harness.ts';

/**
 * Whole scrapes (pipeline, collectors, exposition, gzip; no HTTP) of two or more source trees of this repo
 * against the same real servers, for changes smaller than this machine's drift: the parent starts the servers,
 * then child processes alternate tree by tree, each printing the CPU per scrape of its process (all threads)
 * after a warm-up. The trees must have the same layout and the same exposition API as this one, e.g. a git
 * worktree of another commit with its dependencies installed:
 *   git worktree add /tmp/other <commit> && (cd /tmp/other && pnpm install --offline)
 *   AB_TREES=/tmp/other,$PWD node bench/ab-trees.ts
 * AB_SERVERS (20), AB_SCRAPES (3000), AB_TRIALS (6) and AB_NODE_FLAGS (the fleet's) tune it. Asserts nothing.
 */
if (process.argv[2] === 'child') {
  const [root, urls] = process.argv.slice(3) as [string, string];
  const { valkeyExporter, valkeyEngine } = await import(`${root}/packages/valkey-exporter/src/definition.ts`);
  const { parseRespAddress } = await import(`${root}/packages/resp/src/address.ts`);
  const { scrape } = await import(`${root}/packages/core/src/scrape/engine.ts`);
  const { renderExpositionBytes } = await import(`${root}/packages/core/src/metrics/exposition.ts`);
  const { gzipBody } = await import(`${root}/packages/core/src/http/gzip.ts`);
  const { createLogger } = await import(`${root}/packages/core/src/log.ts`);
  const log = createLogger({ level: 'error', format: 'logfmt', write: () => {} });
  const targets = urls.split(',').map((url) => valkeyExporter.target({ address: parseRespAddress(url, valkeyEngine) }, log));
  const once = async (index: number) => {
    const sink = await scrape({ namespace: 'valkey', target: targets[index % targets.length], collectors: valkeyExporter.collectors, budgetMs: 5000, log });
    // Trees from before the sink rendered itself take families.
    gzipBody(renderExpositionBytes('columns' in sink ? [sink] : sink.families(), false));
  };
  // Four at a time, as Prometheus spreads a scrape interval.
  const run = async (count: number) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < count) await once(next++);
      }),
    );
  };
  await run(1000);
  const scrapes = Number(process.env.AB_SCRAPES ?? 3000);
  const before = process.cpuUsage();
  await run(scrapes);
  const used = process.cpuUsage(before);
  process.stdout.write(`${(used.user + used.system) / scrapes}\n`);
  process.exit(0);
}

const trees = (process.env.AB_TREES ?? '').split(',').filter(Boolean);
if (trees.length < 2) {
  process.stderr.write('usage: AB_TREES=/path/to/one/tree,/path/to/another node bench/ab-trees.ts\n');
  process.exit(2);
}
const servers = await startFleet(Number(process.env.AB_SERVERS ?? 20), 2000);
const urls = servers.map((server) => `redis://127.0.0.1:${server.port}`).join(',');
const flags = (process.env.AB_NODE_FLAGS ?? '--no-maglev --max-semi-space-size=8 --max-old-space-size=96').split(' ').filter(Boolean);
const results = new Map<string, number[]>(trees.map((tree) => [tree, []]));
for (let trial = 0; trial < Number(process.env.AB_TRIALS ?? 6); trial += 1) {
  for (const tree of trees) {
    const output = execFileSync(process.execPath, [...flags, import.meta.filename, 'child', tree, urls], { encoding: 'utf8' });
    results.get(tree)?.push(Number(output.trim().split('\n').at(-1)));
  }
}
console.log(`\n${servers.length} servers, ${process.env.AB_SCRAPES ?? 3000} scrapes per trial, four at a time, node ${flags.join(' ')}\n`);
console.log('| tree | median CPU per scrape | min | all trials |\n| --- | --- | --- | --- |');
for (const [tree, values] of results) {
  const sorted = [...values].sort((a, b) => a - b);
  console.log(
    `| ${tree} | ${(sorted[Math.floor(sorted.length / 2)] ?? 0).toFixed(0)} µs | ${(sorted[0] ?? 0).toFixed(0)} µs | ${values.map((value) => value.toFixed(0)).join(' ')} |`,
  );
}
await Promise.all(servers.map((server) => server.dispose()));
process.exit(0);
