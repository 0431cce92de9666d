import { bundle } from '../scripts/bundle/bundle.ts';
import { launchAsImage, loadedValkey, measureInTurns, milvusWithCollections, scrapeOnce, valkeyExporterArgs } from './harness.ts';

/**
 * Variants of valkey-exporter measured in turns against one loaded Valkey (or, with --milvus first, of
 * milvus-exporter against the gRPC stand-in), for changes smaller than this machine's drift. A variant is one
 * argument: extra node flags, extra environment (NAME=value) and, optionally, a bundle file (default: the
 * bundle of the working tree), e.g.
 *   node bench/ab.ts '' '--no-parallel-scavenge'          the current bundle without and with a flag
 *   node bench/ab.ts /tmp/before.mjs ''                   an earlier bundle against the current one
 *   node bench/ab.ts '' 'MALLOC_TRIM_THRESHOLD_=131072'   the current bundle without and with a setting
 *   node bench/ab.ts --milvus '' '--max-semi-space-size=8' milvus-exporter without and with a flag
 * Every variant runs with the image's node flags and environment first. Prints figures; asserts nothing.
 */
const milvus = process.argv[2] === '--milvus';
const variants = process.argv.slice(milvus ? 3 : 2);
if (variants.length < 2) {
  process.stderr.write("usage: node bench/ab.ts [--milvus] '<node flags> [NAME=value] [bundle.mjs]' '<node flags> [NAME=value] [bundle.mjs]' ...\n");
  process.exit(2);
}

/**
 * What the variants scrape: valkey-exporter the loaded Valkey, or milvus-exporter the gRPC stand-in with 43
 * collections (all read in the scrape, about 215 calls), whose scrapes take ~100 times as long.
 */
async function subject() {
  if (!milvus) {
    const { server } = await loadedValkey();
    return { exporter: 'valkey-exporter' as const, args: valkeyExporterArgs(server.url), dispose: () => server.dispose(), scrapes: 6000, block: 300 };
  }
  const standin = await milvusWithCollections(43);
  const args = (port: number) => ['--milvus.address', standin.address, '--web.listen-address', `127.0.0.1:${port}`, '--log.level', 'error'];
  return { exporter: 'milvus-exporter' as const, args, dispose: () => standin.close(), scrapes: 150, block: 25 };
}

const target = await subject();
const scrapes = Number(process.env.BENCH_SCRAPES ?? target.scrapes);
// A turn's worth of scrapes warms each variant up.
const { block } = target;
const current = await bundle(target.exporter);
const contenders = [];
for (const variant of variants) {
  const words = variant.split(' ').filter(Boolean);
  const bundleFile = words.find((word) => word.endsWith('.mjs')) ?? current;
  const flags = words.filter((word) => word.startsWith('--'));
  const env = Object.fromEntries(words.filter((word) => /^[A-Z_]+=/.test(word)).map((word) => word.split(/=(.*)/s)));
  contenders.push(await launchAsImage(variant === '' ? '(as the image)' : variant, bundleFile, target.args, flags, env));
}
for (const contender of contenders) for (let i = 0; i < block; i += 1) await scrapeOnce(contender.url);
const results = await measureInTurns(contenders, scrapes, block);
for (const contender of contenders) contender.process.kill('SIGTERM');
await target.dispose();

process.stdout.write(`\n${target.exporter}: ${scrapes} scrapes per variant in turns of ${block}, after ${block} warm-up\n\n`);
process.stdout.write('| variant | p50 | p99 | CPU per scrape | RSS, median of the second half (anonymous / file-backed) |\n| --- | --- | --- | --- | --- |\n');
for (const [index, result] of results.entries()) {
  const rss = result.steadyRss;
  process.stdout.write(
    `| ${contenders[index]?.name} | ${result.p50.toFixed(3)} ms | ${result.p99.toFixed(2)} ms | ${result.cpuPerScrapeMs.toFixed(3)} ms | ${rss.total.toFixed(1)} MiB (${rss.anonymous.toFixed(1)} / ${rss.file.toFixed(1)}) |\n`,
  );
}
