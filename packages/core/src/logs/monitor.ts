import { counter, gauge } from '../metrics/descriptor.ts';
import type { MetricSink } from '../metrics/family.ts';
import { type ClassificationRule, classify, type LogParser, type LogTally } from './classifier.ts';
import type { EventWriter } from './events.ts';
import { LogFollower } from './follower.ts';

const metrics = {
  lines: counter('log_lines_total', 'Log lines read from the engine log, by level.', ['level']),
  events: counter('log_events_total', 'Log lines classified as a known event, by event.', ['event']),
  parseFailures: counter('log_parse_failures_total', 'Log lines in no format the exporter knows (counted, not fatal).'),
  bytes: counter('log_follower_bytes_read_total', 'Bytes read from the engine log.'),
  rotations: counter('log_follower_rotations_total', 'Log rotations seen, by kind: rename (rename-and-recreate, or deleted) or copytruncate.', ['kind']),
  truncated: counter('log_follower_truncated_lines_total', 'Lines longer than the line limit, cut.'),
  lastLine: gauge('log_last_line_timestamp_seconds', 'Unix time written in the latest log line that carried one.'),
  healthy: gauge(
    'log_follower_healthy',
    'Whether log monitoring works: 1 when the last poll followed --log.file as a regular file without an error, 0 while it is missing, not a file or unreadable.',
  ),
};
export const logMetrics = Object.values(metrics);

export interface LogMonitorOptions {
  readonly engine: string;
  readonly path: string;
  readonly fromStart: boolean;
  readonly parser: LogParser;
  readonly rules: readonly ClassificationRule[];
  readonly events?: EventWriter;
  readonly tally?: LogTally;
  readonly pollIntervalMs?: number;
  readonly maxLineBytes?: number;
  readonly stateFile?: string;
  /** Receives every line read, unchanged (--log.echo). */
  readonly echo?: (line: string) => void;
  readonly renameAtBytes?: number;
  readonly removeRotated?: boolean;
  readonly onError?: (message: string) => void;
}

/** The engine log as counters (and, on request, structured events): follower -> parser -> rules. */
export class LogMonitor {
  readonly follower: LogFollower;
  readonly #lines = new Map<string, number>();
  readonly #events = new Map<string, number>();
  readonly #tally: LogTally | undefined;
  #parseFailures = 0;
  #lastTimestamp: number | undefined;

  constructor(options: LogMonitorOptions) {
    // Every event a rule can produce is exported from the start, at 0, so rate() sees its first increase.
    for (const rule of options.rules) this.#events.set(rule.event, 0);
    this.#tally = options.tally;
    this.follower = new LogFollower({
      path: options.path,
      fromStart: options.fromStart,
      maxLineBytes: options.maxLineBytes ?? 16 * 1024,
      pollIntervalMs: options.pollIntervalMs ?? 1000,
      ...(options.stateFile === undefined ? {} : { stateFile: options.stateFile }),
      ...(options.renameAtBytes === undefined ? {} : { renameAtBytes: options.renameAtBytes }),
      ...(options.removeRotated === undefined ? {} : { removeRotated: options.removeRotated }),
      onError: (reason) => options.onError?.(`${options.path}: ${reason}`),
      onLine: (line) => {
        options.echo?.(line);
        if (line === '') return;
        const record = options.parser(line);
        if (record === undefined) {
          this.#parseFailures += 1;
          return;
        }
        this.#lines.set(record.level, (this.#lines.get(record.level) ?? 0) + 1);
        if (record.timestamp !== undefined) this.#lastTimestamp = record.timestamp;
        this.#tally?.observe(record);
        const event = classify(options.rules, record.message);
        if (event === undefined) return;
        this.#events.set(event.rule.event, (this.#events.get(event.rule.event) ?? 0) + 1);
        // A failing event output (a full disk, an unwritable path) must not stop the counting of later lines.
        try {
          options.events?.write(options.engine, record, event);
        } catch (error) {
          options.onError?.(`cannot write a log event: ${(error as Error).message}`);
        }
      },
    });
  }

  start(): void {
    this.follower.start();
  }

  stop(): Promise<void> {
    return this.follower.stop();
  }

  describe(sink: MetricSink): void {
    for (const [level, count] of this.#lines) sink.emit(metrics.lines, count, { level });
    for (const [event, count] of this.#events) sink.emit(metrics.events, count, { event });
    sink.emit(metrics.parseFailures, this.#parseFailures);
    sink.emit(metrics.bytes, this.follower.stats.bytesRead);
    for (const [kind, count] of Object.entries(this.follower.stats.rotations)) sink.emit(metrics.rotations, count, { kind });
    sink.emit(metrics.truncated, this.follower.stats.truncatedLines);
    if (this.#lastTimestamp !== undefined) sink.emit(metrics.lastLine, this.#lastTimestamp);
    sink.emit(metrics.healthy, this.follower.stats.healthy ? 1 : 0);
    this.#tally?.describe(sink);
  }
}
