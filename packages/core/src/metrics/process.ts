import { readdirSync, readFileSync } from 'node:fs';
import { counter, gauge } from './descriptor.ts';
import type { MetricSink } from './family.ts';

/**
 * The exporter's own process, under the names every Prometheus client library uses (no namespace), so the
 * usual "exporter memory" and "file descriptors" panels and alerts work unchanged. Emitted on the
 * telemetry path only, into a sink with an empty namespace. Virtual memory is left out: V8 reserves
 * gigabytes of address space it never touches, so the figure says nothing.
 */
export const processMetrics = {
  cpu: counter('process_cpu_seconds_total', 'User and system CPU time the exporter process has spent, in seconds.'),
  cpuUser: counter('process_cpu_user_seconds_total', 'User CPU time the exporter process has spent, in seconds.'),
  cpuSystem: counter('process_cpu_system_seconds_total', 'System CPU time the exporter process has spent, in seconds.'),
  startTime: gauge('process_start_time_seconds', 'Start time of the exporter process, in seconds since the Unix epoch.'),
  resident: gauge('process_resident_memory_bytes', 'Resident set size of the exporter process, in bytes.'),
  openFds: gauge('process_open_fds', 'Open file descriptors of the exporter process (Linux only).'),
  maxFds: gauge('process_max_fds', 'Soft limit on open file descriptors of the exporter process (Linux only).'),
  heapTotal: gauge('nodejs_heap_size_total_bytes', 'Size of the V8 heap of the exporter process, in bytes.'),
  heapUsed: gauge('nodejs_heap_size_used_bytes', 'Bytes of the V8 heap in use by the exporter process.'),
  external: gauge('nodejs_external_memory_bytes', 'Memory held outside the V8 heap by objects it references (buffers), in bytes.'),
} as const;

/** Open descriptors, not counting the one the listing itself holds; undefined where /proc is absent. */
function openFds(): number | undefined {
  try {
    return readdirSync('/proc/self/fd').length - 1;
  } catch {
    return undefined;
  }
}

function readMaxFds(): number | undefined {
  try {
    const soft = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'latin1'))?.[1];
    return soft === undefined || soft === 'unlimited' ? undefined : Number(soft);
  } catch {
    return undefined;
  }
}

// Re-read once a minute, not every scrape: reading /proc/self/limits costs ~30 µs and the limit changes
// only through prlimit.
const maxFdsTtlMs = 60_000;
let maxFdsCache = { value: undefined as number | undefined, readAt: Number.NEGATIVE_INFINITY };

function maxFds(): number | undefined {
  const now = performance.now();
  if (now - maxFdsCache.readAt >= maxFdsTtlMs) maxFdsCache = { value: readMaxFds(), readAt: now };
  return maxFdsCache.value;
}

export function describeProcess(sink: MetricSink): void {
  const cpu = process.cpuUsage();
  const memory = process.memoryUsage();
  sink.emit(processMetrics.cpu, (cpu.user + cpu.system) / 1e6);
  sink.emit(processMetrics.cpuUser, cpu.user / 1e6);
  sink.emit(processMetrics.cpuSystem, cpu.system / 1e6);
  sink.emit(processMetrics.startTime, Math.round(performance.timeOrigin) / 1000);
  sink.emit(processMetrics.resident, memory.rss);
  const open = openFds();
  if (open !== undefined) sink.emit(processMetrics.openFds, open);
  const max = maxFds();
  if (max !== undefined) sink.emit(processMetrics.maxFds, max);
  sink.emit(processMetrics.heapTotal, memory.heapTotal);
  sink.emit(processMetrics.heapUsed, memory.heapUsed);
  sink.emit(processMetrics.external, memory.external);
}
