import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { expect } from 'vitest';
import { type Metrics, parseMetrics } from './exporter.ts';
import { waitFor } from './wait.ts';

const reportBuiltins = new URL('./report-builtins.mjs', import.meta.url).pathname;

/** A copy of a bundle in a fresh directory with no node_modules next to it, as in the image. */
export function isolatedCopy(bundleFile: string): string {
  const copy = join(mkdtempSync(join(tmpdir(), 'keepwatch-bundle-')), basename(bundleFile));
  copyFileSync(bundleFile, copy);
  return copy;
}

export interface RunningBundle {
  readonly pid: number;
  /** What it wrote to stdout so far (read as it comes, so a chatty process never blocks on a full pipe). */
  stdout(): string;
  /** Stops it with SIGTERM and resolves to the exit code and the lazily bundled built-ins it loaded. */
  stop(): Promise<{ code: number | null; loaded: string | undefined }>;
}

/** Starts a bundle as the image does (its node flags and environment), plus a preload that reports which lazy built-ins got loaded. */
export function startBundle(bundleFile: string, args: readonly string[], image: { nodeFlags: readonly string[]; env: Record<string, string> }): RunningBundle {
  expect(image.nodeFlags.length).toBeGreaterThan(0);
  const child = spawn(process.execPath, [...image.nodeFlags, '--import', reportBuiltins, bundleFile, ...args], {
    cwd: tmpdir(),
    env: { ...process.env, ...image.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  return {
    pid: child.pid as number,
    stdout: () => stdout,
    async stop() {
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const code = await exited;
      return { code, loaded: /loaded built-ins: \[(.*)\]/.exec(stderr)?.[1] };
    },
  };
}

/** The first successful scrape of a bundle that is starting up. */
export async function scrapeWhenServing(port: number): Promise<Metrics> {
  const text = await waitFor('bundle serving', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/metrics`);
    return response.ok ? response.text() : undefined;
  });
  return parseMetrics(text);
}

/** deploy/Dockerfile documents the build of this exporter's image and exposes its default port. */
export function expectDockerfileBuilds(dockerfile: string, exporter: string, port: number): void {
  expect(dockerfile).toContain(`docker build -f deploy/Dockerfile --build-arg EXPORTER=${exporter} --build-arg PORT=${port} -t keepwatch/${exporter} .`);
  // One port, the one given at build time.
  expect(dockerfile).toMatch(/^EXPOSE \$\{PORT\}$/m);
}

/** The exporter's process_* metrics against what the kernel reports for its process, read right after the scrape. */
export function expectProcessMetricsOf(pid: number, metrics: Metrics): void {
  const ticksPerSecond = 100;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  const bootTime = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]);
  const started = bootTime + Number(stat[19]) / ticksPerSecond;
  expect(Math.abs((metrics.value('process_start_time_seconds') ?? 0) - started)).toBeLessThan(2);
  const cpu = (Number(stat[11]) + Number(stat[12])) / ticksPerSecond;
  expect(metrics.value('process_cpu_seconds_total')).toBeGreaterThan(0);
  expect(Math.abs((metrics.value('process_cpu_seconds_total') ?? 0) - cpu)).toBeLessThan(0.5);
  expect(metrics.value('process_cpu_seconds_total')).toBeCloseTo(
    (metrics.value('process_cpu_user_seconds_total') ?? 0) + (metrics.value('process_cpu_system_seconds_total') ?? 0),
    6,
  );
  const residentKiB = Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  expect((metrics.value('process_resident_memory_bytes') ?? 0) / 1024 / residentKiB).toBeGreaterThan(0.8);
  expect((metrics.value('process_resident_memory_bytes') ?? 0) / 1024 / residentKiB).toBeLessThan(1.2);
  const softLimit = /^Max open files\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'))?.[1];
  expect(metrics.value('process_max_fds')).toBe(Number(softLimit));
  expect(Math.abs((metrics.value('process_open_fds') ?? 0) - readdirSync(`/proc/${pid}/fd`).length)).toBeLessThanOrEqual(2);
  expect(metrics.value('nodejs_heap_size_used_bytes')).toBeLessThanOrEqual(metrics.value('nodejs_heap_size_total_bytes') ?? 0);
}
