import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { freePort, startLocalServer, waitFor } from '../packages/valkey-exporter/test/harness/servers.ts';
import { bundle } from '../scripts/bundle/bundle.ts';
import { imageCommandLine } from '../scripts/bundle/image.ts';

/**
 * valkey-exporter (production bundle) and redis_exporter (Debian's prometheus-redis-exporter) against the
 * same Valkey with ~200k keys in 4 databases: scrape latency, scrapes per second, RSS after 10k scrapes and
 * the server-side cost of one scrape; beside them the Node floor (node-floor.ts: node:http answering
 * valkey-exporter's exposition, gzipped the same way, under the same node flags). Prints figures; asserts nothing.
 */
const scrapes = Number(process.env.BENCH_SCRAPES ?? 10_000);
const costWindow = 200;
const block = 500;
const root = new URL('..', import.meta.url).pathname;

execFileSync(`${root}bench/fetch-redis-exporter.sh`, { stdio: 'inherit' });
const redisExporterBinary = `${root}.bench/redis-exporter/usr/bin/prometheus-redis-exporter`;
const redisExporterVersion = execFileSync(redisExporterBinary, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).match(
  /Exporter (\S+)/,
)?.[1];

const server = await startLocalServer('valkey');
const admin = server.admin();
for (let db = 0; db < 4; db += 1) {
  await admin.select(db);
  for (let batch = 0; batch < 50; batch += 1) {
    const pipeline = admin.pipeline();
    for (let i = 0; i < 1000; i += 1) {
      const key = `bench:${batch}:${i}`;
      if (i % 4 === 0) pipeline.set(key, 'value', 'EX', 3600);
      else pipeline.set(key, 'value');
    }
    await pipeline.exec();
  }
}
await admin.select(0);
const keys = [...(await admin.info('keyspace')).matchAll(/keys=(\d+)/g)].reduce((sum, match) => sum + Number(match[1]), 0);

/** A scraper like Prometheus: keep-alive connection, asks for gzip, reads and inflates the whole body. */
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
function scrapeOnce(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    request(url, { agent, headers: { 'accept-encoding': 'gzip' } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve((response.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body).length);
      });
      response.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

interface Contender {
  readonly name: string;
  readonly process: ChildProcess;
  readonly url: string;
}

async function launch(name: string, command: string, args: string[], port: number, env: Record<string, string> = {}): Promise<Contender> {
  const child = spawn(command, args, { stdio: 'ignore', env: { ...process.env, ...env } });
  const url = `http://127.0.0.1:${port}/metrics`;
  await waitFor(`${name} serving`, async () => ((await scrapeOnce(url)) > 0 ? true : undefined));
  return { name, process: child, url };
}

/** VmRSS and its parts: anonymous (the process' own) and file-backed (the executable's and libraries' pages, shareable). */
function rssMiB(pid: number | undefined) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1]) / 1024;
  return { total: field('VmRSS'), anonymous: field('RssAnon'), file: field('RssFile') };
}

function commandstats(info: string) {
  let calls = 0;
  let usec = 0;
  for (const [, c, u] of info.matchAll(/^cmdstat_[^:]+:calls=(\d+),usec=(\d+)/gm)) {
    calls += Number(c);
    usec += Number(u);
  }
  const connections = Number(/total_connections_received:(\d+)/.exec(info)?.[1]);
  return { calls, usec, connections };
}

/** Warm-up, then the server-side cost of a window of scrapes from commandstats before and after. */
async function serverCost(contender: Contender) {
  for (let i = 0; i < 200; i += 1) await scrapeOnce(contender.url);
  // The measuring INFO itself is counted once in the "after" reading and subtracted.
  const before = commandstats(await admin.info('all'));
  for (let i = 0; i < costWindow; i += 1) await scrapeOnce(contender.url);
  const after = commandstats(await admin.info('all'));
  const infoCall = commandstats(await admin.info('all'));
  const ownInfoUsec = infoCall.usec - after.usec;
  return {
    commands: (after.calls - before.calls - 1) / costWindow,
    // Clamped: for a contender that sends nothing, the two INFO readings differ by a few µs either way.
    serverUsec: Math.max(0, (after.usec - before.usec - ownInfoUsec) / costWindow),
    connections: (after.connections - before.connections) / costWindow,
  };
}

/**
 * Latency in blocks of `block` scrapes, taking turns: this machine's speed drifts by ±20 % within minutes,
 * and measured one after the other the contenders met different minutes (ratios of 0.23 to 0.33 for the
 * same builds). In turns each meets the same drift; within a block its caches stay its own.
 */
async function latencies(all: readonly Contender[]) {
  const runs = all.map(() => ({ latencies: [] as number[], elapsedMs: 0, bytes: 0 }));
  for (let done = 0; done < scrapes; done += block) {
    for (const [index, contender] of all.entries()) {
      const run = runs[index] as (typeof runs)[number];
      const started = performance.now();
      for (let i = done; i < Math.min(scrapes, done + block); i += 1) {
        const t0 = performance.now();
        run.bytes = await scrapeOnce(contender.url);
        run.latencies.push(performance.now() - t0);
      }
      run.elapsedMs += performance.now() - started;
    }
  }
  return runs.map((run, index) => {
    const sorted = run.latencies.sort((x, y) => x - y);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
    return { p50: at(0.5), p99: at(0.99), perSecond: scrapes / (run.elapsedMs / 1000), rss: rssMiB(all[index]?.process.pid), bytes: run.bytes };
  });
}

const bundlePath = await bundle('valkey-exporter');
// The production command line: the node flags and environment of the container image.
const { nodeFlags, env: imageEnv } = imageCommandLine();
const ourPort = await freePort();
const theirPort = await freePort();
const contenders = [
  await launch(
    'valkey-exporter',
    process.execPath,
    [...nodeFlags, bundlePath, '--valkey.addr', server.url, '--web.listen-address', `127.0.0.1:${ourPort}`, '--log.level', 'error'],
    ourPort,
    imageEnv,
  ),
  await launch(
    `redis_exporter ${redisExporterVersion}`,
    redisExporterBinary,
    ['--redis.addr', server.url, '--web.listen-address', `127.0.0.1:${theirPort}`],
    theirPort,
  ),
];
// The Node floor serves the exposition valkey-exporter just produced.
const benchDir = `${root}.bench/`;
mkdirSync(benchDir, { recursive: true });
writeFileSync(`${benchDir}exposition.txt`, await (await fetch(contenders[0]?.url as string)).text());
await build({
  entryPoints: [`${root}bench/node-floor.ts`],
  outfile: `${benchDir}node-floor.mjs`,
  bundle: true,
  platform: 'node',
  format: 'esm',
  logLevel: 'warning',
});
const floorPort = await freePort();
contenders.push(
  await launch(
    `Node floor (node:http + gzip)`,
    process.execPath,
    [...nodeFlags, `${benchDir}node-floor.mjs`, `${benchDir}exposition.txt`, String(floorPort)],
    floorPort,
    imageEnv,
  ),
);
type Cost = Awaited<ReturnType<typeof serverCost>>;
type Timing = Awaited<ReturnType<typeof latencies>>[number];
const costs: Cost[] = [];
for (const contender of contenders) costs.push(await serverCost(contender));
const timings = await latencies(contenders);
const results = contenders.map((contender, index) => ({ name: contender.name, ...(costs[index] as Cost), ...(timings[index] as Timing) }));
for (const contender of contenders) contender.process.kill('SIGTERM');
await server.dispose();

const [a, b, floor] = results;
const row = (label: string, pick: (r: (typeof results)[number]) => string) => `| ${label} | ${results.map(pick).join(' | ')} |`;
process.stdout.write(
  [
    '',
    `Valkey ${/v=(\S+)/.exec(execFileSync('valkey-server', ['--version'], { encoding: 'utf8' }))?.[1] ?? ''} with ${keys} keys in 4 databases; ${scrapes} sequential scrapes each after 200 warm-up,`,
    `in turns of ${block} per exporter,`,
    `keep-alive HTTP client asking for gzip; valkey-exporter bundle on Node ${process.version} ${nodeFlags.join(' ')} ${Object.entries(imageEnv)
      .map(([name, value]) => `${name}=${value}`)
      .join(' ')}`,
    '',
    `| | ${results.map((r) => r.name).join(' | ')} |`,
    `| --- | ${results.map(() => '---').join(' | ')} |`,
    row('scrape latency p50', (r) => `${r.p50.toFixed(2)} ms`),
    row('scrape latency p99', (r) => `${r.p99.toFixed(2)} ms`),
    row('scrapes per second (one client)', (r) => r.perSecond.toFixed(0)),
    row(`RSS after ${scrapes} scrapes`, (r) => `${r.rss.total.toFixed(1)} MiB`),
    row('of which anonymous / file-backed', (r) => `${r.rss.anonymous.toFixed(1)} / ${r.rss.file.toFixed(1)} MiB`),
    row('server commands per scrape', (r) => r.commands.toFixed(2)),
    row('server CPU per scrape (commandstats)', (r) => `${r.serverUsec.toFixed(0)} µs`),
    row('new server connections per scrape', (r) => r.connections.toFixed(2)),
    row('exposition size', (r) => `${(r.bytes / 1024).toFixed(1)} KiB`),
    '',
    a && b ? `p50 ratio valkey-exporter / redis_exporter: ${(a.p50 / b.p50).toFixed(3)}` : '',
    a && floor ? `valkey-exporter above the Node floor: p50 +${(a.p50 - floor.p50).toFixed(2)} ms, RSS +${(a.rss.total - floor.rss.total).toFixed(1)} MiB` : '',
    '',
  ].join('\n'),
);
