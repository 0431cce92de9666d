import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { type BuildOptions, build } from 'esbuild';
import { freePort, waitFor } from '../packages/testing/src/index.ts';
import { type ServerHandle, startServer } from '../packages/testing/src/servers.ts';
import { type StandinState, startMilvusStandin } from '../packages/testing/src/standins/milvus.ts';
import { imageCommandLine } from '../scripts/bundle/image.ts';

// What the bench scripts share: the loaded Valkey, a Prometheus-like scraper, contenders measured in turns.

/** Valkey on a free loopback port with 4 databases of 50,000 keys each (a quarter with a TTL). */
export async function loadedValkey() {
  const server = await startServer('valkey');
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
  return { server, admin, keys };
}

/** Valkey's INFO commandstats as calls and µs per command (`cmdstat_<command>:calls=N,usec=N,...`). */
export function commandStats(info: string): Map<string, { calls: number; usec: number }> {
  const stats = new Map<string, { calls: number; usec: number }>();
  for (const [, command, calls, usec] of info.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm)) {
    stats.set(command as string, { calls: Number(calls), usec: Number(usec) });
  }
  return stats;
}

/**
 * `count` valkey-servers with `keys` keys each, started 25 at a time (1,000 one after the other took minutes).
 * They stand in for servers on other machines, so their own timers run once a second (`hz 1`) instead of ten
 * times: at the default, 1,000 idle servers took 1.41 of this machine's 2 cores while a real Prometheus scraped
 * them through the exporter (bench/fleet.ts, load average 34), and starved both.
 */
export async function startFleet(count: number, keys: number): Promise<ServerHandle[]> {
  const startOne = async () => {
    const server = await startServer('valkey', { args: ['--maxmemory', '32mb', '--hz', '1'] });
    const pipeline = server.admin().pipeline();
    for (let key = 0; key < keys; key += 1) pipeline.set(`fleet:${key}`, 'value');
    await pipeline.exec();
    return server;
  };
  const servers: ServerHandle[] = [];
  while (servers.length < count) servers.push(...(await Promise.all(Array.from({ length: Math.min(25, count - servers.length) }, startOne))));
  return servers;
}

/** A targets file listing `servers`, for valkey-exporter's /scrape. */
export function writeTargetsFile(file: string, servers: readonly ServerHandle[]): void {
  writeFileSync(file, `targets:\n${servers.map((server) => `  - address: redis://127.0.0.1:${server.port}\n`).join('')}`);
}

/** A scraper like Prometheus: keep-alive connection, asks for gzip, reads and inflates the whole body. */
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
export function scrapeOnce(url: string): Promise<number> {
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

export interface Contender {
  readonly name: string;
  readonly process: ChildProcess;
  readonly url: string;
}

export async function launch(name: string, command: string, args: string[], port: number, env: Record<string, string> = {}): Promise<Contender> {
  const child = spawn(command, args, { stdio: 'ignore', env: { ...process.env, ...env } });
  const url = `http://127.0.0.1:${port}/metrics`;
  await waitFor(`${name} serving`, async () => ((await scrapeOnce(url)) > 0 ? true : undefined));
  return { name, process: child, url };
}

/** A bundle started as the container image starts it (its node flags, then `extraFlags`, and its environment) on a free port. */
export async function launchAsImage(
  name: string,
  bundleFile: string,
  args: (port: number) => string[],
  extraFlags: readonly string[] = [],
  extraEnv: Record<string, string> = {},
) {
  const { nodeFlags, env } = imageCommandLine();
  const port = await freePort();
  return launch(name, process.execPath, [...nodeFlags, ...extraFlags, bundleFile, ...args(port)], port, { ...env, ...extraEnv });
}

/** valkey-exporter's arguments for the loaded Valkey. */
export const valkeyExporterArgs = (serverUrl: string) => (port: number) => [
  '--valkey.addr',
  serverUrl,
  '--web.listen-address',
  `127.0.0.1:${port}`,
  '--log.level',
  'error',
];

/** VmRSS and its parts: anonymous (the process' own) and file-backed (the executable's and libraries' pages, shareable). */
export function rssMiB(pid: number | undefined) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1]) / 1024;
  return { total: field('VmRSS'), anonymous: field('RssAnon'), file: field('RssFile') };
}

/** User plus system CPU of a process and all its threads, in ms (clock ticks of 10 ms). */
export function cpuMs(pid: number | undefined): number {
  const fields = (readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1] ?? '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** CPU in ms of every process whose command name is `comm` (every valkey-server of a fleet, Prometheus). */
export function cpuMsOfCommand(comm: string): number {
  let total = 0;
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === comm) total += cpuMs(Number(pid));
    } catch {
      // Gone between the listing and the read.
    }
  }
  return total;
}

/**
 * `scrapes` sequential scrapes of each contender in turns of `block`: this machine's speed drifts by ±20 %
 * within minutes, and measured one after the other the contenders met different minutes (p50 ratios of 0.23
 * to 0.33 for the same builds). In turns each meets the same drift; within a block its caches stay its own.
 * RSS is read at the end and after each turn of the second half: one reading lands anywhere in a cycle of
 * garbage collections (the Node floor read 72.0 to 78.3 MiB at the end of runs of the same build), so the
 * median of the second half's readings is the steady figure.
 */
export async function measureInTurns(contenders: readonly Contender[], scrapes: number, block: number) {
  const runs = contenders.map((contender) => ({
    latencies: [] as number[],
    elapsedMs: 0,
    bytes: 0,
    cpuBefore: cpuMs(contender.process.pid),
    rssReadings: [] as ReturnType<typeof rssMiB>[],
  }));
  for (let done = 0; done < scrapes; done += block) {
    for (const [index, contender] of contenders.entries()) {
      const run = runs[index] as (typeof runs)[number];
      const started = performance.now();
      for (let i = done; i < Math.min(scrapes, done + block); i += 1) {
        const t0 = performance.now();
        run.bytes = await scrapeOnce(contender.url);
        run.latencies.push(performance.now() - t0);
      }
      run.elapsedMs += performance.now() - started;
      if (done >= scrapes / 2) run.rssReadings.push(rssMiB(contender.process.pid));
    }
  }
  return runs.map((run, index) => {
    const pid = contenders[index]?.process.pid;
    const sorted = run.latencies.sort((x, y) => x - y);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
    return {
      p50: at(0.5),
      p99: at(0.99),
      perSecond: scrapes / (run.elapsedMs / 1000),
      cpuPerScrapeMs: (cpuMs(pid) - run.cpuBefore) / scrapes,
      rss: rssMiB(pid),
      steadyRss: run.rssReadings.sort((x, y) => x.total - y.total)[run.rssReadings.length >> 1] ?? rssMiB(pid),
      bytes: run.bytes,
    };
  });
}

const benchDir = new URL('../.bench/', import.meta.url).pathname;

/** Where launchNodeFloor writes the exposition the floors answer. */
export const expositionFile = `${benchDir}exposition.txt`;

/** A server of bench/ (`<entry>.ts`) bundled into .bench/<entry>.mjs, with `options` added to esbuild's. */
export async function bundleBenchServer(entry: string, options: BuildOptions = {}): Promise<string> {
  mkdirSync(benchDir, { recursive: true });
  const outfile = `${benchDir}${entry}.mjs`;
  await build({
    entryPoints: [new URL(`${entry}.ts`, import.meta.url).pathname],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'warning',
    ...options,
  });
  return outfile;
}

/**
 * The Milvus gRPC stand-in holding `collections` collections in all (copies of its `analytics.events`), then
 * `configure`d further.
 */
export function milvusWithCollections(collections: number, configure: (state: StandinState) => void = () => {}) {
  return startMilvusStandin((state) => {
    const db = state.databases.get('analytics');
    const template = db?.collections.get('events');
    for (let i = 0; i < collections - 3; i += 1) db?.collections.set(`c${i}`, { ...structuredClone(template), id: `91${i}` } as never);
    configure(state);
  });
}

/** The Node floor (node-floor.ts, bundled), started as the image starts a bundle, answering `exposition` on every request. */
export async function launchNodeFloor(name: string, exposition: string, extraFlags: readonly string[] = []): Promise<Contender> {
  mkdirSync(benchDir, { recursive: true });
  writeFileSync(expositionFile, exposition);
  return launchAsImage(name, await bundleBenchServer('node-floor'), (port) => [expositionFile, String(port)], extraFlags);
}

/** The node flag that preloads bench/heap-report.cjs, which `rssParts` needs. */
export const heapReportFlag = `--require=${new URL('heap-report.cjs', import.meta.url).pathname}`;

/**
 * A contender's RSS in MiB by owner: V8's young generation and its other spaces (V8's own figures, from a
 * contender started with `heapReportFlag`), malloc's heap (and the most V8 itself ever had malloc'd, mostly
 * its compilers' zones, freed into that heap), the pages of the node executable, and the rest (thread stacks,
 * libraries, V8's code range and what V8 maps outside its spaces).
 */
export async function rssParts(pid: number) {
  const reportFile = `${benchDir}heap-${pid}.json`;
  rmSync(reportFile, { force: true });
  process.kill(pid, 'SIGUSR2');
  let report: { spaces: Record<string, { used: number; physical: number }>; peakMalloced: number } | undefined;
  for (let attempt = 0; report === undefined && attempt < 100; attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    try {
      report = JSON.parse(readFileSync(reportFile, 'utf8'));
    } catch {
      // Not written yet, or half written.
    }
  }
  if (report === undefined) throw new Error(`pid ${pid} wrote no heap report: was it started with ${heapReportFlag}?`);
  const mib = (bytes: number) => bytes / 1048576;
  const { new_space: young, ...others } = report.spaces;
  const executable = realpathSync(process.execPath);
  let mallocKiB = 0;
  let executableKiB = 0;
  let mapping = '';
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    if (/^[0-9a-f]+-[0-9a-f]+ /.test(line)) mapping = line.split(/\s+/)[5] ?? '';
    else if (line.startsWith('Rss:')) {
      const kib = Number(line.split(/\s+/)[1]);
      if (mapping === '[heap]') mallocKiB += kib;
      else if (mapping === executable) executableKiB += kib;
    }
  }
  const v8Young = mib(young?.physical ?? 0);
  const v8Other = mib(Object.values(others).reduce((sum, space) => sum + space.physical, 0));
  const v8OtherUsed = mib(Object.values(others).reduce((sum, space) => sum + space.used, 0));
  const malloc = mallocKiB / 1024;
  const nodeExecutable = executableKiB / 1024;
  const total = rssMiB(pid).total;
  const v8PeakMalloced = mib(report.peakMalloced);
  return { total, v8Young, v8Other, v8OtherUsed, malloc, v8PeakMalloced, nodeExecutable, rest: total - v8Young - v8Other - malloc - nodeExecutable };
}
