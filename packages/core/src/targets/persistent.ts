import { errorText, KeepwatchError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { MetricSink } from '../metrics/family.ts';
import type { Collector, ScrapeTarget } from '../scrape/collector.ts';
import { raceSignal } from '../scrape/deadline.ts';
import { connectionMetrics, secondsSince } from '../scrape/engine.ts';

/** One open connection: the engine's handle, what the server is, and what it refused on this connection. */
export interface Connection<Handle, Caps> {
  readonly handle: Handle;
  readonly caps: Caps;
  /** Commands or calls (by key) the server refused on this connection, with its reason; never sent again until reconnect. */
  readonly refused: Map<string, string>;
}

export interface PersistentTargetOptions {
  /** The target as users see it (no credentials), in log lines and errors. */
  readonly display: string;
  readonly log: Logger;
}

/** Between failed connection attempts; a dropped connection is reopened at once on the next scrape. */
export const reconnectBackoff = { initialMs: 250, maxMs: 8000 } as const;

/** Exponential, with half of each delay random, so many exporters that lost one server do not come back in step. */
export function backoffDelayMs(failures: number, random: () => number = Math.random): number {
  const full = Math.min(reconnectBackoff.maxMs, reconnectBackoff.initialMs * 2 ** (failures - 1));
  return full / 2 + (full / 2) * random();
}

/**
 * A target that keeps one connection across scrapes, whatever the protocol: one connection attempt at a
 * time (a scrape that arrives meanwhile waits for it, even past the deadline of the scrape that started it),
 * backoff with jitter after failed attempts, the connect metrics, the refusal memory of each connection,
 * and drop-and-replace. An engine supplies how to open, use and release its connection.
 */
export abstract class PersistentTarget<Caps, Snapshot, C extends Collector<Caps, Snapshot>, Handle> implements ScrapeTarget<Caps, Snapshot, C> {
  protected readonly log: Logger;
  readonly display: string;
  #current: Connection<Handle, Caps> | undefined;
  #connecting: Promise<Connection<Handle, Caps>> | undefined;
  #failures = 0;
  #retryAt = 0;
  #lastFailure: unknown;
  #connects = 0;
  #lastConnectSeconds: number | undefined;

  constructor(options: PersistentTargetOptions) {
    this.log = options.log;
    this.display = options.display;
  }

  /**
   * Opens a connection and detects what the server is. It releases whatever it opened before it throws;
   * `signal` is the deadline of the scrape that started it, for protocols that can give up early.
   */
  protected abstract connect(signal: AbortSignal): Promise<{ readonly handle: Handle; readonly caps: Caps }>;

  /** Gives up a connection that was dropped or closed. */
  protected abstract release(handle: Handle): void;

  /** Whether an open connection can still be used; one that cannot is dropped and replaced. */
  protected usable(_handle: Handle): boolean {
    return true;
  }

  abstract fetch(caps: Caps, collectors: readonly C[], signal: AbortSignal, deadline: number): Promise<Snapshot>;

  openNow(): Caps | undefined {
    const current = this.#current;
    return current !== undefined && this.usable(current.handle) ? current.caps : undefined;
  }

  open(signal: AbortSignal): Promise<Caps> {
    const current = this.#current;
    if (current !== undefined) {
      if (this.usable(current.handle)) return Promise.resolve(current.caps);
      this.drop('connection no longer usable', current.handle);
    }
    if (this.#connecting === undefined) {
      const waitMs = this.#retryAt - Date.now();
      if (waitMs > 0) return Promise.reject(this.#waiting(waitMs));
      this.#connecting = this.#attempt(signal).finally(() => {
        this.#connecting = undefined;
      });
    }
    return raceSignal(this.#connecting, signal).then((connection) => connection.caps);
  }

  get connected(): boolean {
    return this.#current !== undefined;
  }

  /** The open connection; a fetch only runs after `open` succeeded. */
  protected connection(): Connection<Handle, Caps> {
    if (this.#current === undefined) throw new Error(`not connected to ${this.display}`);
    return this.#current;
  }

  /** Drops the open connection (or, when `handle` is given, only if it is still that one); the next scrape reconnects. */
  protected drop(reason: string, handle?: Handle): void {
    const current = this.#current;
    if (current === undefined || (handle !== undefined && current.handle !== handle)) return;
    this.#current = undefined;
    this.log.debug('connection dropped', { target: this.display, reason });
    this.release(current.handle);
  }

  describe(sink: MetricSink): void {
    sink.emit(connectionMetrics.connects, this.#connects);
    if (this.#lastConnectSeconds !== undefined) sink.emit(connectionMetrics.connectDuration, this.#lastConnectSeconds);
  }

  async close(): Promise<void> {
    this.drop('exporter shutting down');
  }

  async #attempt(signal: AbortSignal): Promise<Connection<Handle, Caps>> {
    const started = performance.now();
    try {
      const { handle, caps } = await this.connect(signal);
      this.#current = { handle, caps, refused: new Map() };
      this.#failures = 0;
      this.#connects += 1;
      this.#lastConnectSeconds = secondsSince(started);
      return this.#current;
    } catch (error) {
      this.#failures += 1;
      this.#retryAt = Date.now() + backoffDelayMs(this.#failures);
      this.#lastFailure = error;
      throw error;
    }
  }

  /** The last failure again, with when the next attempt is due, so every scrape in the backoff says why it is down. */
  #waiting(waitMs: number): Error {
    const failure = this.#lastFailure;
    const message = `${failure instanceof KeepwatchError ? failure.message : errorText(failure)} (next connection attempt in ${Math.ceil(waitMs)} ms)`;
    return failure instanceof KeepwatchError ? new KeepwatchError(failure.code, message) : new Error(message);
  }
}
