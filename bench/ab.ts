import { bundle } from '../scripts/bundle/bundle.ts';
import { launchAsImage, loadedValkey, measureInTurns, scrapeOnce, valkeyExporterArgs } from './harness.ts';

/**
 * Variants of valkey-exporter measured in turns against one loaded Valkey, for changes smaller than this
 * machine's drift. A variant is one argument: extra node flags, extra environment (NAME=value) and,
 * optionally, a bundle file (default: the bundle of the working tree), e.g.
 *   node bench/ab.ts '' '--no-parallel-scavenge'          the current bundle without and with a flag
 *   node bench/ab.ts /tmp/before.mjs ''                   an earlier bundle against the current one
 *   node bench/ab.ts '' 'MALLOC_TRIM_THRESHOLD_=131072'   the current bundle without and with a setting
 * Every variant runs with the image's node flags and environment first. Prints figures; asserts nothing.
 */
const scrapes = Number(process.env.BENCH_SCRAPES ?? 6000);
const block = 300;
const variants = process.argv.slice(2);
if (variants.length < 2) {
  process.stderr.write("usage: node bench/ab.ts '<node flags> [bundle.mjs]' '<node flags> [bundle.mjs]' ...\n");
  process.exit(2);
}

const current = await bundle('valkey-exporter');
const { server } = await loadedValkey();
const contenders = [];
for (const variant of variants) {
  const words = variant.split(' ').filter(Boolean);
  const bundleFile = words.find((word) => word.endsWith('.mjs')) ?? current;
  const flags = words.filter((word) => word.startsWith('--'));
  const env = Object.fromEntries(words.filter((word) => /^[A-Z_]+=/.test(word)).map((word) => word.split(/=(.*)/s)));
  contenders.push(await launchAsImage(variant === '' ? '(as the image)' : variant, bundleFile, valkeyExporterArgs(server.url), flags, env));
}
for (const contender of contenders) for (let i = 0; i < 300; i += 1) await scrapeOnce(contender.url);
const results = await measureInTurns(contenders, scrapes, block);
for (const contender of contenders) contender.process.kill('SIGTERM');
await server.dispose();

process.stdout.write(`\n${scrapes} scrapes per variant in turns of ${block}, after 300 warm-up\n\n`);
process.stdout.write('| variant | p50 | p99 | CPU per scrape | RSS, median of the second half (anonymous / file-backed) |\n| --- | --- | --- | --- | --- |\n');
for (const [index, result] of results.entries()) {
  const rss = result.steadyRss;
  process.stdout.write(
    `| ${contenders[index]?.name} | ${result.p50.toFixed(3)} ms | ${result.p99.toFixed(2)} ms | ${result.cpuPerScrapeMs.toFixed(3)} ms | ${rss.total.toFixed(1)} MiB (${rss.anonymous.toFixed(1)} / ${rss.file.toFixed(1)}) |\n`,
  );
}
