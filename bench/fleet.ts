import { mkdirSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { availableParallelism, loadavg } from 'node:os';
import { redisExporterBinary } from '../packages/testing/src/builds.ts';
import { freePort, multiTargetJob, startPrometheus } from '../packages/testing/src/index.ts';
import type { ServerHandle } from '../packages/testing/src/servers.ts';
import { bundle } from '../scripts/bundle/bundle.ts';
import { type Contender, cpuMs, cpuMsOfCommand, launch, launchAsImage, launchNodeFloor, rssMiB, startFleet, writeTargetsFile } from './harness.ts';

/**
 * One exporter for many servers: N real valkey-servers (2,000 keys each), valkey-exporter's /scrape and
 * redis_exporter 1.69's /scrape scraped as Prometheus does (every target once per round, a bounded number of
 * scrapes at once), in turns, plus the Node floor answering one target's exposition. Prints per contender:
 * CPU per scrape, RSS and anonymous RSS, new server connections per scrape, scrape latency p50/p99 and the
 * time of a round. FLEET_PROMETHEUS_MINUTES > 0 then has a real Prometheus scrape the largest fleet through
 * valkey-exporter's /targets at 15 s and reports any scrape that missed its deadline, with the cores that
 * the servers, Prometheus and the exporter used meanwhile. Asserts nothing.
 */
const sizes = (process.env.FLEET_SIZES ?? '100,400,1000').split(',').map(Number);
const keysPerServer = Number(process.env.FLEET_KEYS ?? 2000);
const rounds = Number(process.env.FLEET_ROUNDS ?? 3);
const concurrency = Number(process.env.FLEET_CONCURRENCY ?? 4);
const prometheusMinutes = Number(process.env.FLEET_PROMETHEUS_MINUTES ?? 0);
/** Node flags for valkey-exporter after the image's (a later one wins), e.g. a larger heap for a fleet. */
const nodeFlags = (process.env.FLEET_NODE_FLAGS ?? '').split(' ').filter(Boolean);
/** Servers whose INFO says how many connections each contender opened (a sample: reading all costs a round of its own). */
const sampleSize = 50;
const benchDir = new URL('../.bench/', import.meta.url).pathname;
mkdirSync(benchDir, { recursive: true });

const address = (server: ServerHandle) => `redis://127.0.0.1:${server.port}`;

/** Every target once, `concurrency` at a time on keep-alive connections, as Prometheus spreads a scrape interval. */
async function round(contender: Contender, targets: readonly string[], agent: Agent): Promise<{ latencies: number[]; ms: number }> {
  const base = contender.url.replace(/\/metrics$/, '/scrape?target=');
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < targets.length) {
      const target = targets[next++] as string;
      const t0 = performance.now();
      await new Promise<void>((resolve, reject) => {
        request(`${base}${encodeURIComponent(target)}`, { agent, headers: { 'accept-encoding': 'gzip' } }, (response) => {
          response.resume();
          response.on('end', resolve);
          response.on('error', reject);
        })
          .on('error', reject)
          .end();
      });
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { latencies, ms: performance.now() - started };
}

async function connectionsReceived(admins: readonly ReturnType<ServerHandle['admin']>[]): Promise<number> {
  let total = 0;
  for (const admin of admins) total += Number(/total_connections_received:(\d+)/.exec(await admin.info('stats'))?.[1]);
  return total;
}

const largest = Math.max(...sizes);
console.log(`starting ${largest} valkey-servers with ${keysPerServer} keys each`);
const fleet = await startFleet(largest, keysPerServer);
const bundlePath = await bundle('valkey-exporter');
const rssAt = new Map<number, number>();

for (const size of sizes) {
  const servers = fleet.slice(0, size);
  const targets = servers.map(address);
  const targetsFile = `${benchDir}fleet-targets.yml`;
  writeTargetsFile(targetsFile, servers);
  const theirPort = await freePort();
  const contenders = [
    await launchAsImage(
      'valkey-exporter',
      bundlePath,
      (port) => [...['--valkey.addr', '', '--scrape.config-file', targetsFile, '--web.listen-address', `127.0.0.1:${port}`, '--log.level', 'error']],
      nodeFlags,
    ),
    await launch('redis_exporter 1.69', redisExporterBinary(), ['--redis.addr', '', '--web.listen-address', `127.0.0.1:${theirPort}`], theirPort),
  ];
  const exposition = await (await fetch(`${contenders[0]?.url.replace(/\/metrics$/, '')}/scrape?target=${targets[0]}`)).text();
  contenders.push(await launchNodeFloor('Node floor', exposition));
  const agents = contenders.map(() => new Agent({ keepAlive: true, maxSockets: concurrency }));
  const sample = servers.slice(0, sampleSize).map((server) => server.admin());
  const sampleTargets = new Set(targets.slice(0, sampleSize));
  const results = contenders.map(() => ({ latencies: [] as number[], roundMs: [] as number[], cpu: 0, connections: 0 }));
  // A warm-up round each: connections opened, code compiled.
  for (const [index, contender] of contenders.entries()) await round(contender, targets, agents[index] as Agent);
  for (let turn = 0; turn < rounds; turn += 1) {
    for (const [index, contender] of contenders.entries()) {
      const result = results[index] as (typeof results)[number];
      const cpuBefore = cpuMs(contender.process.pid);
      const connectionsBefore = await connectionsReceived(sample);
      const { latencies, ms } = await round(contender, targets, agents[index] as Agent);
      result.cpu += cpuMs(contender.process.pid) - cpuBefore;
      result.connections += (await connectionsReceived(sample)) - connectionsBefore;
      result.latencies.push(...latencies);
      result.roundMs.push(ms);
    }
  }
  console.log(`\n${size} targets, ${rounds} rounds of every target, ${concurrency} scrapes at once:\n`);
  console.log('| | CPU per scrape | RSS | anonymous RSS | new server connections per scrape | latency p50 / p99 | round of all targets |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const [index, contender] of contenders.entries()) {
    const result = results[index] as (typeof results)[number];
    const sorted = result.latencies.sort((a, b) => a - b);
    const at = (q: number) => (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN).toFixed(2);
    const rss = rssMiB(contender.process.pid);
    if (index === 0) rssAt.set(size, rss.total);
    const perScrape = result.cpu / (size * rounds);
    console.log(
      `| ${contender.name} | ${perScrape.toFixed(2)} ms | ${rss.total.toFixed(1)} MiB | ${rss.anonymous.toFixed(1)} MiB | ${(result.connections / (sampleTargets.size * rounds)).toFixed(2)} | ${at(0.5)} / ${at(0.99)} ms | ${(result.roundMs.reduce((a, b) => a + b, 0) / rounds / 1000).toFixed(2)} s |`,
    );
  }
  for (const contender of contenders) contender.process.kill('SIGTERM');
}
if (sizes.length > 1) {
  const [small, large] = [Math.min(...sizes), largest];
  const marginal = (((rssAt.get(large) ?? 0) - (rssAt.get(small) ?? 0)) * 1024) / (large - small);
  console.log(`\nvalkey-exporter memory per additional target: ${marginal.toFixed(1)} KiB (RSS at ${small} and ${large} targets)`);
}

if (prometheusMinutes > 0) {
  const targets = fleet.map(address);
  writeTargetsFile(`${benchDir}fleet-targets.yml`, fleet);
  const exporter = await launchAsImage(
    'valkey-exporter',
    bundlePath,
    (port) => [
      ...['--valkey.addr', '', '--scrape.config-file', `${benchDir}fleet-targets.yml`, '--web.listen-address', `127.0.0.1:${port}`, '--log.level', 'error'],
    ],
    nodeFlags,
  );
  const job = multiTargetJob('fleet', exporter.url.replace(/\/metrics$/, ''), { httpSd: '/targets' }).replace(
    '    metrics_path',
    '    scrape_interval: 15s\n    scrape_timeout: 10s\n    metrics_path',
  );
  const prometheus = await startPrometheus({}, [], job);
  console.log(`\na real Prometheus scraping ${targets.length} targets at 15 s through valkey-exporter for ${prometheusMinutes} minutes`);
  // Who used the machine's cores during the window: a failed scrape with a starved Prometheus or exporter says
  // little about the exporter's own cost.
  const cpuNow = () => ({ servers: cpuMsOfCommand('valkey-server'), prometheus: cpuMsOfCommand('prometheus'), exporter: cpuMs(exporter.process.pid) });
  const cpuBefore = cpuNow();
  const windowStarted = performance.now();
  await new Promise((resolve) => setTimeout(resolve, prometheusMinutes * 60_000));
  const cpuAfter = cpuNow();
  const windowMs = performance.now() - windowStarted;
  const cores = (key: keyof typeof cpuBefore) => ((cpuAfter[key] - cpuBefore[key]) / windowMs).toFixed(2);
  // Every raw sample of the window, not a subquery's 15 s steps, which can step over a failed scrape.
  const samples = async (metric: string) =>
    (
      await prometheus.api<{ result: { values: [number, string][] }[] }>(`query?query=${encodeURIComponent(`${metric}{job="fleet"}[${prometheusMinutes}m]`)}`)
    ).result.flatMap((series) => series.values.map(([, value]) => Number(value)));
  // A scrape whose exchange outlives scrape_timeout is cancelled and recorded with up 0. scrape_duration_seconds
  // also counts Prometheus parsing and storing the body after the exchange (scrape/scrape.go, scrapeAndReport:
  // the duration is taken in a deferred report, after append), so on a starved machine it can pass the timeout
  // with up 1.
  const ups = await samples('up');
  const durations = await samples('scrape_duration_seconds');
  console.log(
    `scrapes: ${ups.length}, failed: ${ups.filter((up) => up === 0).length}, recorded longer than the 10 s timeout (exchange and Prometheus' own parse and append): ${durations.filter((seconds) => seconds > 10).length}, slowest: ${(Math.max(...durations) * 1000).toFixed(0)} ms, exporter RSS ${rssMiB(exporter.process.pid).total.toFixed(1)} MiB`,
  );
  const exporterSeconds = await samples('valkey_exporter_last_scrape_duration_seconds');
  console.log(
    `cores used over the window (of ${availableParallelism()}): valkey-servers ${cores('servers')}, Prometheus ${cores('prometheus')}, valkey-exporter ${cores('exporter')}; load average ${loadavg()
      .map((load) => load.toFixed(1))
      .join(' / ')}; slowest scrape as valkey-exporter timed it (answered ones): ${(Math.max(...exporterSeconds) * 1000).toFixed(0)} ms`,
  );
  await prometheus.stop();
  exporter.process.kill('SIGTERM');
}
for (const server of fleet) await server.dispose();
process.exit(0);
