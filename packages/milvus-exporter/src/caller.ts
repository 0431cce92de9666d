import { KeepwatchError } from '@keepwatch/core/errors';
import type { Logger } from '@keepwatch/core/log';
import { grpcCode, grpcDetails, grpcStatusOf } from './client.ts';

interface Status {
  readonly code?: number;
  readonly error_code?: string;
  readonly reason?: string;
}

/** A call not sent because the server refused it earlier on this connection (denied or unsupported). */
export class RefusedError extends Error {}

/** Business errors come back as a status, not an exception; Milvus' own test is code 0 and error_code Success. */
function statusFailure(status: Status | undefined): string | undefined {
  if (status === undefined) return undefined;
  if (status.code === 0 && (status.error_code === 'Success' || status.error_code === undefined)) return undefined;
  return `${status.reason || status.error_code} (code ${status.code})`;
}

/**
 * Runs the calls of one scrape: each under the smaller of --milvus.timeout and what is left of the scrape
 * deadline, at most `concurrency` at once. A call the server refuses (PermissionDenied, or unimplemented,
 * which the SDK turns into an empty reply) is remembered by `key` and not sent again on this connection,
 * so the exporter does not inflate the server's own rejected-request counters every scrape.
 */
export class Caller {
  readonly #refused: Map<string, string>;
  readonly #deadline: number;
  readonly #timeoutMs: number;
  readonly #signal: AbortSignal;
  readonly #log: Logger;
  #free: number;
  readonly #waiting: (() => void)[] = [];
  /** Calls start at most this often (the background reader's rate); 0: as soon as a slot is free. */
  readonly #intervalMs: number;
  #nextStart = 0;

  constructor(options: {
    refused: Map<string, string>;
    deadline: number;
    timeoutMs: number;
    signal: AbortSignal;
    concurrency: number;
    log: Logger;
    ratePerSecond?: number;
  }) {
    this.#refused = options.refused;
    this.#deadline = options.deadline;
    this.#timeoutMs = options.timeoutMs;
    this.#signal = options.signal;
    this.#free = options.concurrency;
    this.#log = options.log;
    this.#intervalMs = options.ratePerSecond === undefined ? 0 : 1000 / options.ratePerSecond;
  }

  /**
   * `rpc` names the call in errors; `key` (default `rpc`) is what a refusal is remembered by; `answers` says
   * which replies with a failure status are still an answer (CheckHealth's "unhealthy").
   */
  async call<T extends { status?: Status }>(rpc: string, run: (timeout: number) => Promise<T>, key: string = rpc, answers?: (reply: T) => boolean): Promise<T> {
    const refusal = this.#refused.get(key);
    if (refusal !== undefined) throw new RefusedError(`${rpc} refused earlier on this connection: ${refusal}`);
    await this.#slot();
    try {
      await this.#pace();
      const timeout = Math.min(this.#timeoutMs, this.#deadline - Date.now());
      if (this.#signal.aborted || timeout <= 0) throw new KeepwatchError('KW_ERR_TARGET_TIMEOUT', `${rpc}: no time left in the scrape deadline`);
      let reply: T;
      try {
        reply = await run(Math.ceil(timeout));
      } catch (error) {
        const code = grpcStatusOf(error);
        if (code === grpcCode.permissionDenied) this.#refuse(key, rpc, `permission denied: ${grpcDetails(error)}`);
        // The SDK's wrappers crash (TypeError) on the empty reply it makes of UNIMPLEMENTED (reference/milvus.md
        // §1.4.5). A SyntaxError is not one: it is a failed reply's empty JSON, worth asking again next scrape.
        if (code === grpcCode.unimplemented || error instanceof TypeError) this.#refuse(key, rpc, 'not supported by this server');
        throw error;
      }
      if (reply.status === undefined) this.#refuse(key, rpc, 'not supported by this server');
      const failure = statusFailure(reply.status);
      if (failure !== undefined && answers?.(reply) !== true) throw new Error(`${rpc}: ${failure}`);
      return reply;
    } finally {
      this.#release();
    }
  }

  #refuse(key: string, rpc: string, reason: string): never {
    this.#refused.set(key, reason);
    this.#log.warn('call refused by Milvus; not sent again on this connection', { rpc, key, reason });
    throw new RefusedError(`${rpc}: ${reason}`);
  }

  async #pace(): Promise<void> {
    if (this.#intervalMs === 0) return;
    const now = Date.now();
    const start = Math.max(now, this.#nextStart);
    this.#nextStart = start + this.#intervalMs;
    if (start > now) await new Promise((resolve) => setTimeout(resolve, start - now).unref());
  }

  #slot(): Promise<void> {
    if (this.#free > 0) {
      this.#free -= 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  #release(): void {
    const next = this.#waiting.shift();
    if (next === undefined) this.#free += 1;
    else next();
  }
}
