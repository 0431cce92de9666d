import { execFileSync } from 'node:child_process';
import { redisExporterBinary as incumbentBinary } from '../packages/testing/src/builds.ts';
import { freePort } from '../packages/testing/src/index.ts';
import { bundle } from '../scripts/bundle/bundle.ts';
import { imageCommandLine } from '../scripts/bundle/image.ts';
import {
  type Contender,
  commandStats,
  launch,
  launchAsImage,
  launchNodeFloor,
  loadedValkey,
  measureInTurns,
  rssMiB,
  scrapeOnce,
  valkeyExporterArgs,
} from './harness.ts';

/**
 * valkey-exporter (production bundle) and redis_exporter (Debian's prometheus-redis-exporter) against the
 * same Valkey with ~200k keys in 4 databases: scrape latency, scrapes per second, RSS after 10k scrapes and
 * the server-side cost of one scrape; beside them the Node floor (node-floor.ts: node:http answering
 * valkey-exporter's exposition, gzipped the same way, under the same node flags). Prints figures; asserts nothing.
 */
const scrapes = Number(process.env.BENCH_SCRAPES ?? 10_000);
/** Then every contender once per 15 s, as Prometheus scrapes a sidecar, for this long before RSS is read again. */
const cadenceMinutes = Number(process.env.BENCH_CADENCE_MINUTES ?? 3);
const costWindow = 200;
const block = 500;

const redisExporterBinary = incumbentBinary();
const redisExporterVersion = execFileSync(redisExporterBinary, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).match(
  /Exporter (\S+)/,
)?.[1];

const { server, admin, keys } = await loadedValkey();

/** Calls, µs and connections received, summed over every command. */
function serverTotals(info: string) {
  let calls = 0;
  let usec = 0;
  for (const stat of commandStats(info).values()) {
    calls += stat.calls;
    usec += stat.usec;
  }
  const connections = Number(/total_connections_received:(\d+)/.exec(info)?.[1]);
  return { calls, usec, connections };
}

/** Warm-up, then the server-side cost of a window of scrapes from commandstats before and after. */
async function serverCost(contender: Contender) {
  for (let i = 0; i < 200; i += 1) await scrapeOnce(contender.url);
  // The measuring INFO itself is counted once in the "after" reading and subtracted.
  const before = serverTotals(await admin.info('all'));
  for (let i = 0; i < costWindow; i += 1) await scrapeOnce(contender.url);
  const after = serverTotals(await admin.info('all'));
  const infoCall = serverTotals(await admin.info('all'));
  const ownInfoUsec = infoCall.usec - after.usec;
  return {
    commands: (after.calls - before.calls - 1) / costWindow,
    // Clamped: for a contender that sends nothing, the two INFO readings differ by a few µs either way.
    serverUsec: Math.max(0, (after.usec - before.usec - ownInfoUsec) / costWindow),
    connections: (after.connections - before.connections) / costWindow,
  };
}

const bundlePath = await bundle('valkey-exporter');
// The image's node flags and environment, which launchAsImage starts the Node contenders with, for the header.
const { nodeFlags, env: imageEnv } = imageCommandLine();
const theirPort = await freePort();
const contenders = [
  await launchAsImage('valkey-exporter', bundlePath, valkeyExporterArgs(server.url)),
  await launch(
    `redis_exporter ${redisExporterVersion}`,
    redisExporterBinary,
    ['--redis.addr', server.url, '--web.listen-address', `127.0.0.1:${theirPort}`],
    theirPort,
  ),
];
// The Node floor serves the exposition valkey-exporter just produced.
contenders.push(await launchNodeFloor('Node floor (node:http + gzip)', await (await fetch(contenders[0]?.url as string)).text()));
type Cost = Awaited<ReturnType<typeof serverCost>>;
type Timing = Awaited<ReturnType<typeof measureInTurns>>[number];
const costs: Cost[] = [];
for (const contender of contenders) costs.push(await serverCost(contender));
const timings = await measureInTurns(contenders, scrapes, block);
// Back to back, V8 never sees the process idle; at Prometheus' pace its memory reducer runs full GCs between
// scrapes (seen after about 90 s), so both figures are printed.
for (let elapsed = 0; elapsed < cadenceMinutes * 60; elapsed += 15) {
  await Promise.all(contenders.map((contender) => scrapeOnce(contender.url)));
  await new Promise((resolve) => setTimeout(resolve, 15_000));
}
const atCadence = contenders.map((contender) => rssMiB(contender.process.pid));
const results = contenders.map((contender, index) => ({
  name: contender.name,
  ...(costs[index] as Cost),
  ...(timings[index] as Timing),
  cadenceRss: atCadence[index] as ReturnType<typeof rssMiB>,
}));
for (const contender of contenders) contender.process.kill('SIGTERM');
await server.dispose();

const [a, b, floor] = results;
const row = (label: string, pick: (r: (typeof results)[number]) => string) => `| ${label} | ${results.map(pick).join(' | ')} |`;
process.stdout.write(
  [
    '',
    `Valkey ${/v=(\S+)/.exec(execFileSync('valkey-server', ['--version'], { encoding: 'utf8' }))?.[1] ?? ''} with ${keys} keys in 4 databases; ${scrapes} sequential scrapes each after 200 warm-up,`,
    `in turns of ${block} per contender,`,
    `keep-alive HTTP client asking for gzip; valkey-exporter bundle on Node ${process.version} ${nodeFlags.join(' ')} ${Object.entries(imageEnv)
      .map(([name, value]) => `${name}=${value}`)
      .join(' ')}`,
    '',
    `| | ${results.map((r) => r.name).join(' | ')} |`,
    `| --- | ${results.map(() => '---').join(' | ')} |`,
    row('scrape latency p50', (r) => `${r.p50.toFixed(2)} ms`),
    row('scrape latency p99', (r) => `${r.p99.toFixed(2)} ms`),
    row('scrapes per second (one client)', (r) => r.perSecond.toFixed(0)),
    row('CPU per scrape (all threads)', (r) => `${r.cpuPerScrapeMs.toFixed(2)} ms`),
    row(`RSS after ${scrapes} scrapes`, (r) => `${r.rss.total.toFixed(1)} MiB`),
    row('of which anonymous / file-backed', (r) => `${r.rss.anonymous.toFixed(1)} / ${r.rss.file.toFixed(1)} MiB`),
    row('RSS, median after each turn of the second half', (r) => `${r.steadyRss.total.toFixed(1)} MiB`),
    row(`RSS after ${cadenceMinutes} more minutes at one scrape per 15 s`, (r) => `${r.cadenceRss.total.toFixed(1)} MiB`),
    row('server commands per scrape', (r) => r.commands.toFixed(2)),
    row('server CPU per scrape (commandstats)', (r) => `${r.serverUsec.toFixed(0)} µs`),
    row('new server connections per scrape', (r) => r.connections.toFixed(2)),
    row('exposition size', (r) => `${(r.bytes / 1024).toFixed(1)} KiB`),
    '',
    a && b ? `p50 ratio valkey-exporter / redis_exporter: ${(a.p50 / b.p50).toFixed(3)}` : '',
    a && floor
      ? `valkey-exporter above the Node floor: p50 +${(a.p50 - floor.p50).toFixed(2)} ms, RSS +${(a.steadyRss.total - floor.steadyRss.total).toFixed(1)} MiB back to back (medians of the second half), +${(a.cadenceRss.total - floor.cadenceRss.total).toFixed(1)} MiB at one scrape per 15 s`
      : '',
    '',
  ].join('\n'),
);
