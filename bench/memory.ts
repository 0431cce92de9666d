import { Agent, request } from 'node:http';
import { freePort } from '../packages/testing/src/index.ts';
import { bundle } from '../scripts/bundle/bundle.ts';
import { launchAsImage, startFleet, writeTargetsFile } from './harness.ts';

/**
 * What valkey-exporter's /scrape allocates and keeps, through V8's inspector, with the image's node flags:
 * the bytes allocated per scrape and the functions that allocate most (sampling heap profiler, collected
 * objects included; run from source so the names are readable), the bytes per scrape that outlived the young
 * generation (promoted, then collected by a full GC or still live), and the live heap per target of the
 * bundle (heap snapshots at two fleet sizes). Deterministic enough to compare changes that timing on this
 * machine cannot tell apart.
 * MEMORY_TARGETS (20), MEMORY_SCRAPES (3,000), MEMORY_SIZES ("100,300"), MEMORY_NODE_FLAGS tune it.
 * Asserts nothing.
 */
const targets = Number(process.env.MEMORY_TARGETS ?? 20);
const scrapes = Number(process.env.MEMORY_SCRAPES ?? 3000);
const [small = 100, large = 300] = (process.env.MEMORY_SIZES ?? '100,300').split(',').map(Number);
const nodeFlags = (process.env.MEMORY_NODE_FLAGS ?? '--max-semi-space-size=4 --max-old-space-size=96').split(' ').filter(Boolean);
const targetsFile = new URL('../.bench/memory-targets.yml', import.meta.url).pathname;

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: ProfileNode[];
}

/** One DevTools protocol session on an inspector port. */
async function inspector(port: number) {
  const [page] = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as { webSocketDebuggerUrl: string }[];
  const socket = new WebSocket(page?.webSocketDebuggerUrl as string);
  await new Promise((resolve) => socket.addEventListener('open', resolve));
  const pending = new Map<number, (result: unknown) => void>();
  const chunks: string[] = [];
  socket.addEventListener('message', (message) => {
    const data = JSON.parse(String(message.data));
    if (data.method === 'HeapProfiler.addHeapSnapshotChunk') chunks.push(data.params.chunk);
    pending.get(data.id)?.(data.result);
  });
  let id = 0;
  const send = <T>(method: string, params: object = {}) =>
    new Promise<T>((resolve) => {
      id += 1;
      pending.set(id, resolve as (result: unknown) => void);
      socket.send(JSON.stringify({ id, method, params }));
    });
  await send('HeapProfiler.enable');
  return {
    send,
    /** Bytes of every live object after the full GC a snapshot starts with. */
    async liveBytes(): Promise<number> {
      chunks.length = 0;
      await send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
      const snapshot = JSON.parse(chunks.join(''));
      const fields: string[] = snapshot.snapshot.meta.node_fields;
      const size = fields.indexOf('self_size');
      let total = 0;
      for (let index = size; index < snapshot.nodes.length; index += fields.length) total += snapshot.nodes[index];
      return total;
    },
    close: () => socket.close(),
  };
}

/** A valkey-exporter with the inspector open, serving /scrape for `servers`, and a way to scrape them as Prometheus does. */
async function exporterFor(entry: string, servers: Awaited<ReturnType<typeof startFleet>>) {
  writeTargetsFile(targetsFile, servers);
  const inspectPort = await freePort();
  const exporter = await launchAsImage(
    'valkey-exporter',
    entry,
    (port) => ['--valkey.addr', '', '--scrape.config-file', targetsFile, '--web.listen-address', `127.0.0.1:${port}`, '--log.level', 'error'],
    [...nodeFlags, `--inspect=127.0.0.1:${inspectPort}`],
  );
  const base = exporter.url.replace(/\/metrics$/, '/scrape?target=');
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const scrapeOne = (server: (typeof servers)[number]) =>
    new Promise<void>((resolve, reject) => {
      request(`${base}${encodeURIComponent(`redis://127.0.0.1:${server.port}`)}`, { agent, headers: { 'accept-encoding': 'gzip' } }, (response) => {
        response.resume();
        response.on('end', resolve);
      })
        .on('error', reject)
        .end();
    });
  /** `count` scrapes, four at a time, every target in turn. */
  const scrape = async (count: number) => {
    let next = 0;
    const worker = async () => {
      while (next < count) await scrapeOne(servers[next++ % servers.length] as (typeof servers)[number]);
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
  };
  await scrape(Math.max(500, servers.length));
  return { exporter, scrape, inspector: await inspector(inspectPort) };
}

function allocationSites(head: ProfileNode): Map<string, number> {
  const sites = new Map<string, number>();
  const walk = (node: ProfileNode) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const site = `${functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}:${lineNumber + 1}`;
    sites.set(site, (sites.get(site) ?? 0) + node.selfSize);
    for (const child of node.children) walk(child);
  };
  walk(head);
  return sites;
}

/** KiB per scrape allocated while `count` scrapes run: all of it, or only what a young-generation GC did not collect. */
async function sampled(session: Awaited<ReturnType<typeof exporterFor>>, promotedOnly: boolean) {
  await session.inspector.send('HeapProfiler.startSampling', {
    samplingInterval: 1024,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: !promotedOnly,
  });
  await session.scrape(scrapes);
  const { profile } = await session.inspector.send<{ profile: { head: ProfileNode } }>('HeapProfiler.stopSampling');
  return allocationSites(profile.head);
}

const kib = (bytes: number) => (bytes / 1024).toFixed(1);
const source = new URL('../packages/valkey-exporter/src/main.ts', import.meta.url).pathname;
const bundleFile = await bundle('valkey-exporter');
const fleet = await startFleet(Math.max(targets, large), 2000);
try {
  const session = await exporterFor(source, fleet.slice(0, targets));
  const allocated = await sampled(session, false);
  const promoted = await sampled(session, true);
  session.inspector.close();
  session.exporter.process.kill('SIGTERM');
  const total = (sites: Map<string, number>) => [...sites.values()].reduce((sum, bytes) => sum + bytes, 0) / scrapes;
  console.log(`\n/scrape of ${targets} targets, ${scrapes} scrapes four at a time, node flags ${nodeFlags.join(' ')}:\n`);
  console.log(`allocated per scrape: ${kib(total(allocated))} KiB; outlived the young generation: ${kib(total(promoted))} KiB\n`);
  console.log('| allocated by | KiB per scrape |\n| --- | --- |');
  for (const [site, bytes] of [...allocated].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`| ${site} | ${kib(bytes / scrapes)} |`);

  const live: number[] = [];
  for (const size of [small, large]) {
    const sized = await exporterFor(bundleFile, fleet.slice(0, size));
    live.push(await sized.inspector.liveBytes());
    sized.inspector.close();
    sized.exporter.process.kill('SIGTERM');
  }
  const [atSmall = 0, atLarge = 0] = live;
  console.log(
    `\nlive heap of the bundle: ${kib(atSmall)} KiB at ${small} targets, ${kib(atLarge)} KiB at ${large}: ${kib((atLarge - atSmall) / (large - small))} KiB per target`,
  );
} finally {
  await Promise.all(fleet.map((server) => server.dispose()));
}
process.exit(0);
