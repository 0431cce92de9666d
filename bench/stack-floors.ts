import { bundle, exporterBuildOptions, requireBanner } from '../scripts/bundle/bundle.ts';
import {
  bundleBenchServer,
  type Contender,
  commandStats,
  expositionFile,
  heapReportFlag,
  launchAsImage,
  launchNodeFloor,
  loadedValkey,
  measureInTurns,
  rssParts,
  scrapeOnce,
  valkeyExporterArgs,
} from './harness.ts';

/**
 * What each layer of valkey-exporter's stack costs, against one loaded Valkey, in turns: the Node floor
 * (node-floor.ts), the same through Fastify (fastify-floor.ts), Fastify plus ioredis sending the scrape's
 * eight commands, and valkey-exporter itself; all bundled as the image bundles and started with its node
 * flags. Prints p50 and RSS (the median after each turn of the second half), then each one's RSS at the end
 * split by owner (rssParts). Asserts nothing about the figures; stops first if fastify-floor.ts no longer sends
 * the commands the exporter sends.
 */
const scrapes = Number(process.env.BENCH_SCRAPES ?? 10_000);

const { server, admin } = await loadedValkey();
const exporterBundle = await bundle('valkey-exporter');
const exporter = await launchAsImage('valkey-exporter', exporterBundle, valkeyExporterArgs(server.url), [heapReportFlag]);
const exposition = await (await fetch(exporter.url)).text();
const floor = await launchNodeFloor('Node floor (node:http)', exposition, [heapReportFlag]);
// Bundled as the exporter is, so that Fastify and ioredis cost here what they cost there.
const fastifyFloorBundle = await bundleBenchServer('fastify-floor', { ...exporterBuildOptions('valkey-exporter'), banner: requireBanner });
const fastifyFloor = (name: string, ...extra: string[]) =>
  launchAsImage(name, fastifyFloorBundle, (port) => [expositionFile, String(port), ...extra], [heapReportFlag]);
const contenders = [floor, await fastifyFloor('Fastify'), await fastifyFloor('Fastify and ioredis', String(server.port)), exporter];
for (const contender of contenders) for (let i = 0; i < 200; i += 1) await scrapeOnce(contender.url);

/** What a contender sends Valkey per scrape, from commandstats around a window of scrapes ("command×calls"). */
async function commandsPerScrape(contender: Contender, window = 50): Promise<string> {
  const before = commandStats(await admin.info('commandstats'));
  for (let i = 0; i < window; i += 1) await scrapeOnce(contender.url);
  const after = commandStats(await admin.info('commandstats'));
  // The first INFO is counted in the second reading.
  const own = (command: string) => (command === 'info' ? 1 : 0);
  return [...after]
    .map(([command, { calls }]) => [command, (calls - (before.get(command)?.calls ?? 0) - own(command)) / window] as const)
    .filter(([, calls]) => calls > 0)
    .map(([command, calls]) => `${command}×${calls}`)
    .sort()
    .join(' ');
}
// fastify-floor.ts keeps its own copy of the exporter's commands: a stale copy would measure another layer.
const [floorCommands, exporterCommands] = [await commandsPerScrape(contenders[2] as Contender), await commandsPerScrape(exporter)];
const stop = async () => {
  for (const contender of contenders) contender.process.kill('SIGTERM');
  await server.dispose();
};
if (floorCommands !== exporterCommands) {
  await stop();
  process.stderr.write(`fastify-floor.ts sends ${floorCommands} per scrape, valkey-exporter ${exporterCommands}: update its command list\n`);
  process.exit(1);
}
const results = await measureInTurns(contenders, scrapes, 500);
const parts = [];
for (const contender of contenders) parts.push(await rssParts(contender.process.pid as number));
await stop();

process.stdout.write(
  `\nValkey commands per scrape (Fastify and ioredis, valkey-exporter): ${exporterCommands}\n\n${scrapes} scrapes each in turns of 500\n\n| | p50 | RSS, median of the second half (anonymous) |\n| --- | --- | --- |\n`,
);
for (const [index, contender] of contenders.entries()) {
  const result = results[index] as (typeof results)[number];
  process.stdout.write(
    `| ${contender.name} | ${result.p50.toFixed(2)} ms | ${result.steadyRss.total.toFixed(1)} MiB (${result.steadyRss.anonymous.toFixed(1)}) |\n`,
  );
}
process.stdout.write(
  '\nRSS at the end by owner, MiB (V8 figures from bench/heap-report.cjs, the rest from /proc/<pid>/smaps)\n\n' +
    "| | RSS | V8 young generation | V8 other spaces (of which used) | malloc heap (V8's peak malloc) | node executable | rest |\n| --- | --- | --- | --- | --- | --- | --- |\n",
);
for (const [index, contender] of contenders.entries()) {
  const part = parts[index] as (typeof parts)[number];
  const cells = [
    part.total,
    part.v8Young,
    `${part.v8Other.toFixed(1)} (${part.v8OtherUsed.toFixed(1)})`,
    `${part.malloc.toFixed(1)} (${part.v8PeakMalloced.toFixed(1)})`,
    part.nodeExecutable,
    part.rest,
  ];
  process.stdout.write(`| ${contender.name} | ${cells.map((cell) => (typeof cell === 'number' ? cell.toFixed(1) : cell)).join(' | ')} |\n`);
}
