import type { ConnectionOptions } from 'node:tls';
import { KeepwatchError } from '@keepwatch/core/errors';
import type { Logger } from '@keepwatch/core/log';
import type { MetricSink } from '@keepwatch/core/metrics';
import { type InfoDocument, parseInfo } from '@keepwatch/core/redis-info';
import { connectionMetrics, raceSignal, type ScrapeTarget } from '@keepwatch/core/scrape';
import { Redis } from 'ioredis';
import type { RespAddress } from './address.ts';
import { isRefusal, type RespCaps } from './capabilities.ts';
import type { CommandSpec, RespCollector, RespSnapshot } from './snapshot.ts';

export interface RespTargetOptions<C extends RespCaps> {
  readonly address: RespAddress;
  readonly username?: string;
  readonly password?: string;
  readonly tls?: ConnectionOptions;
  readonly clientName: string;
  readonly log: Logger;
  /** The INFO command of the handshake: the cheapest one whose reply `detect` can read. */
  readonly handshakeInfo: CommandSpec['argv'];
  /** What the server is, from the handshake's INFO; throws a KeepwatchError when it is the wrong engine. */
  detect(info: InfoDocument): C;
  /** Where the user sets the password, named in the error when the server wants one (`--valkey.password-file`). */
  readonly passwordFlag: string;
  /** Integers as strings, for replies that carry 64-bit values (Dragonfly's nanosecond timestamps). */
  readonly stringNumbers?: boolean;
}

const infoAll: CommandSpec = { key: 'info', argv: ['INFO', 'ALL'] };

/**
 * What every connection sends whatever the collectors: after AUTH (which needs no grant), it names
 * itself and reads the handshake INFO; then every scrape reads INFO ALL. The ACL rules are built from this.
 */
export function connectionCommands(options: Pick<RespTargetOptions<RespCaps>, 'clientName' | 'handshakeInfo'>): CommandSpec['argv'][] {
  return [['CLIENT', 'SETNAME', options.clientName], options.handshakeInfo, infoAll.argv];
}
const backoff = { initialMs: 250, maxMs: 8000 } as const;

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * One persistent connection to one server. Capabilities are detected once per connection; every scrape
 * sends its whole command set pipelined; a connection that failed, timed out or was dropped is replaced,
 * with exponential backoff between attempts.
 */
export class RespTarget<C extends RespCaps> implements ScrapeTarget<C, RespSnapshot<C>, RespCollector<C>> {
  readonly #options: RespTargetOptions<C>;
  #client: Redis | undefined;
  #caps: C | undefined;
  #connecting: Promise<C> | undefined;
  #failures = 0;
  #nextAttemptAt = 0;
  #lastFailure = '';
  #connects = 0;
  #lastConnectSeconds: number | undefined;

  constructor(options: RespTargetOptions<C>) {
    this.#options = options;
  }

  open(signal: AbortSignal): Promise<C> {
    if (this.#client?.status === 'ready' && this.#caps !== undefined) return Promise.resolve(this.#caps);
    if (this.#connecting !== undefined) return this.#connecting;
    const waitMs = this.#nextAttemptAt - Date.now();
    if (waitMs > 0) {
      return Promise.reject(new Error(`${this.#lastFailure} (next connection attempt in ${Math.ceil(waitMs)} ms)`));
    }
    this.#connecting = this.#connect(signal).finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  async fetch(caps: C, collectors: readonly RespCollector<C>[], signal: AbortSignal): Promise<RespSnapshot<C>> {
    const client = this.#client;
    if (client === undefined) throw new Error('not connected');
    const planned = new Map<string, CommandSpec>([[infoAll.key, infoAll]]);
    for (const collector of collectors) {
      for (const command of collector.commands?.(caps) ?? []) {
        if (!caps.refused.has(command.key)) planned.set(command.key, command);
      }
    }
    const commands = [...planned.values()];
    let results: [Error | null, unknown][] | null;
    try {
      results = await raceSignal(client.pipeline(commands.map((command) => ['call', ...command.argv])).exec(), signal);
    } catch (error) {
      // A pipeline cut off by the deadline leaves replies in flight; only a new connection is clean.
      this.#drop(signal.aborted ? 'scrape deadline passed mid-reply' : message(error));
      throw error;
    }
    const replies = new Map<string, { error?: string; value?: unknown }>();
    for (const [index, command] of commands.entries()) {
      const [error, value] = results?.[index] ?? [new Error('no reply'), undefined];
      if (error === null) {
        replies.set(command.key, { value });
        continue;
      }
      replies.set(command.key, { error: error.message });
      if (isRefusal(error.message)) {
        caps.refused.set(command.key, error.message);
        this.#options.log.warn('command refused by the server; not sent again on this connection', {
          command: command.argv.slice(0, 2).join(' '),
          reply: error.message,
        });
      }
    }
    const info = replies.get(infoAll.key);
    if (info?.error !== undefined) throw new Error(`INFO failed: ${info.error}`);
    return {
      caps,
      info: parseInfo(String(info?.value ?? '')),
      reply(key) {
        const reply = replies.get(key);
        if (reply === undefined) {
          const refusal = caps.refused.get(key);
          throw new Error(refusal === undefined ? `no reply for ${key}` : `refused earlier on this connection: ${refusal}`);
        }
        if (reply.error !== undefined) throw new Error(reply.error);
        return reply.value;
      },
    };
  }

  describe(sink: MetricSink): void {
    sink.emit(connectionMetrics.connects, this.#connects);
    if (this.#lastConnectSeconds !== undefined) sink.emit(connectionMetrics.connectDuration, this.#lastConnectSeconds);
  }

  async close(): Promise<void> {
    this.#drop('exporter shutting down');
  }

  async #connect(signal: AbortSignal): Promise<C> {
    const { address, log } = this.#options;
    const started = performance.now();
    const client = new Redis({
      ...(address.path === undefined ? { host: address.host, port: address.port } : { path: address.path }),
      ...(this.#options.tls === undefined ? {} : { tls: this.#options.tls }),
      // RESP2 and no CLIENT SETINFO: HELLO and SETINFO would be refused (NOPERM, or unknown on Redis 7.0)
      // and raise the server's error counters on every connection.
      protocol: 2,
      disableClientInfo: true,
      lazyConnect: true,
      enableOfflineQueue: false,
      enableReadyCheck: false,
      autoResubscribe: false,
      autoResendUnfulfilledCommands: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      connectTimeout: 5000,
      stringNumbers: this.#options.stringNumbers === true,
    });
    let lastSocketError: string | undefined;
    client.on('error', (error: Error) => {
      lastSocketError = error.message;
    });
    client.on('close', () => {
      if (this.#client === client) this.#drop('connection closed by the server or network');
    });
    this.#client = client;
    let accepted = false;
    try {
      await raceSignal(
        client.connect().catch((error: unknown) => {
          throw new KeepwatchError('KW_ERR_TARGET_UNREACHABLE', `cannot connect to ${address.display}: ${lastSocketError ?? message(error)}`);
        }),
        signal,
      );
      accepted = true;
      const caps = await raceSignal(this.#handshake(client), signal);
      this.#caps = caps;
      this.#failures = 0;
      this.#connects += 1;
      this.#lastConnectSeconds = (performance.now() - started) / 1000;
      log.info('connected', { target: address.display, server: caps.server, version: caps.version });
      return caps;
    } catch (error) {
      let reason = error;
      if (signal.aborted) {
        reason = accepted
          ? new KeepwatchError('KW_ERR_TARGET_TIMEOUT', `${address.display} accepted the connection but did not answer within the scrape deadline`)
          : new KeepwatchError('KW_ERR_TARGET_UNREACHABLE', `no connection to ${address.display} within the scrape deadline`);
      }
      this.#drop(message(reason));
      this.#failures += 1;
      this.#nextAttemptAt = Date.now() + Math.min(backoff.maxMs, backoff.initialMs * 2 ** (this.#failures - 1));
      this.#lastFailure = reason instanceof KeepwatchError ? reason.toLine() : message(reason);
      throw reason;
    }
  }

  /** AUTH (when configured), CLIENT SETNAME and INFO, in one round trip. */
  async #handshake(client: Redis): Promise<C> {
    const { address, username, password, passwordFlag } = this.#options;
    const steps: CommandSpec['argv'][] = [];
    if (password !== undefined) steps.push(username === undefined ? ['AUTH', password] : ['AUTH', username, password]);
    // The per-scrape INFO ALL is not part of the handshake.
    steps.push(...connectionCommands(this.#options).slice(0, -1));
    const results = (await client.pipeline(steps.map((step) => ['call', ...step])).exec()) ?? [];
    const authError = password === undefined ? undefined : results[0]?.[0];
    if (authError) {
      throw new KeepwatchError(
        'KW_ERR_TARGET_AUTH',
        `${address.display} rejected the credentials of user ${JSON.stringify(username ?? 'default')}: ${authError.message.split(' ')[0]}`,
      );
    }
    const [infoError, info] = results.at(-1) ?? [new Error('no reply'), undefined];
    if (infoError) {
      if (/^NOAUTH/.test(infoError.message)) {
        throw new KeepwatchError('KW_ERR_TARGET_AUTH', `${address.display} requires authentication; set ${passwordFlag}`);
      }
      throw new Error(`INFO failed on ${address.display}: ${infoError.message}`);
    }
    return this.#options.detect(parseInfo(String(info)));
  }

  #drop(reason: string): void {
    const client = this.#client;
    this.#client = undefined;
    this.#caps = undefined;
    if (client === undefined) return;
    this.#options.log.debug('connection dropped', { target: this.#options.address.display, reason });
    client.removeAllListeners('close');
    client.on('error', () => {});
    client.disconnect(false);
  }
}
