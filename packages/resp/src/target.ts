import type { ConnectionOptions } from 'node:tls';
import { errorText, KeepwatchError } from '@keepwatch/core/errors';
import type { Logger } from '@keepwatch/core/log';
import { raceSignal } from '@keepwatch/core/scrape';
import { PersistentTarget } from '@keepwatch/core/targets';
import { Redis } from 'ioredis';
import type { RespAddress } from './address.ts';
import { isRefusal, type RespCaps } from './capabilities.ts';
import { type InfoDocument, parseInfo } from './info/index.ts';
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
  /** Whether the server runs a collector at all (see ScrapeTarget.accepts). */
  accepts?(collector: RespCollector<C>, caps: C): boolean;
}

const infoAll: CommandSpec = { key: 'info', argv: ['INFO', 'ALL'] };

/** What one scrape may receive in all: a real INFO ALL is 10-100 KiB (a few hundred commands), so 2 MiB is twenty times the largest seen. */
const maxReplyBytes = 2 * 2 ** 20;
const oversized = () => new Error(`the server's replies to one scrape exceeded the limit of ${maxReplyBytes / 2 ** 20} MiB`);

type Reply = { readonly error?: string; readonly value?: unknown };
const sameItems = <T>(a: readonly T[], b: readonly T[]) => a.length === b.length && a.every((item, index) => item === b[index]);
const settled = (value: unknown): [null, unknown] => [null, value];
const failed = (error: unknown): [Error, undefined] => [error instanceof Error ? error : new Error(String(error)), undefined];
type Explored = { readonly value: unknown } | { readonly error: unknown };

/**
 * The bytes a connection received during the current scrape. The replies of one scrape are bounded as they
 * arrive: a server that sends more is cut off before its reply is buffered, parsed or turned into series
 * (the exporter's memory stays bounded). One listener per connection rather than one per scrape.
 */
interface ReplyMeter {
  received: number;
  limited: boolean;
}
const meters = new WeakMap<Redis, ReplyMeter>();

/** One scrape's replies. Methods on a class rather than closures made for every scrape: fewer objects per scrape. */
class PipelineSnapshot<C extends RespCaps> implements RespSnapshot<C> {
  readonly caps: C;
  readonly info: InfoDocument;
  readonly #replies: ReadonlyMap<string, Reply>;
  readonly #refused: ReadonlyMap<string, string>;
  readonly #explored: ReadonlyMap<string, Explored>;

  constructor(caps: C, info: InfoDocument, replies: ReadonlyMap<string, Reply>, refused: ReadonlyMap<string, string>, explored: ReadonlyMap<string, Explored>) {
    this.caps = caps;
    this.info = info;
    this.#replies = replies;
    this.#refused = refused;
    this.#explored = explored;
  }

  reply(key: string): unknown {
    const reply = this.#replies.get(key);
    if (reply === undefined) {
      const refusal = this.#refused.get(key);
      throw new Error(refusal === undefined ? `no reply for ${key}` : `refused earlier on this connection: ${refusal}`);
    }
    if (reply.error !== undefined) throw new Error(reply.error);
    return reply.value;
  }

  explored(collector: string): unknown {
    const result = this.#explored.get(collector);
    if (result === undefined) throw new Error(`nothing explored for ${collector}`);
    if ('error' in result) throw result.error;
    return result.value;
  }
}

/**
 * INFO must be a non-empty bulk string with its Server section: anything else (a null bulk, an integer, an
 * array, a reply cut short) is not a server that answered, so the target is not up.
 */
function serverInfo(value: unknown): InfoDocument {
  const text = typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString('utf8') : undefined;
  const document = parseInfo(text ?? '');
  if (text === undefined || !document.sections.includes('server')) {
    const kind = value === null ? 'a null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    const shown = text === undefined ? `${kind} reply` : 'text without a Server section';
    throw new Error(`INFO returned ${shown}, not a server's INFO`);
  }
  return document;
}

/**
 * What every connection sends whatever the collectors: after AUTH (which needs no grant), it names
 * itself and reads the handshake INFO; then every scrape reads INFO ALL. The ACL rules are built from this.
 */
export function connectionCommands(options: Pick<RespTargetOptions<RespCaps>, 'clientName' | 'handshakeInfo'>): CommandSpec['argv'][] {
  return [['CLIENT', 'SETNAME', options.clientName], options.handshakeInfo, infoAll.argv];
}

/**
 * One persistent connection to one server (core's PersistentTarget: one attempt at a time, backoff,
 * refusal memory). Capabilities are detected once per connection; every scrape sends its whole command
 * set pipelined; a connection that failed, timed out or was dropped is replaced.
 */
export class RespTarget<C extends RespCaps> extends PersistentTarget<C, RespSnapshot<C>, RespCollector<C>, Redis> {
  readonly #options: RespTargetOptions<C>;
  #lastPlan:
    | { caps: C; collectors: readonly RespCollector<C>[]; refused: ReadonlyMap<string, string>; refusals: number; commands: readonly CommandSpec[] }
    | undefined;

  constructor(options: RespTargetOptions<C>) {
    super({ display: options.address.display, log: options.log });
    this.#options = options;
  }

  accepts(collector: RespCollector<C>, caps: C): boolean {
    return this.#options.accepts?.(collector, caps) ?? true;
  }

  protected override usable(client: Redis): boolean {
    return client.status === 'ready';
  }

  async fetch(caps: C, collectors: readonly RespCollector<C>[], signal: AbortSignal): Promise<RespSnapshot<C>> {
    const { handle: client, refused } = this.connection();
    const commands = this.#plan(caps, collectors, refused);
    const meter = this.#meter(client);
    meter.received = 0;
    meter.limited = true;
    try {
      const results = await this.#send(client, meter, signal, commands);
      const replies = new Map<string, Reply>();
      for (let index = 0; index < commands.length; index += 1) {
        const command = commands[index] as CommandSpec;
        const [error, value] = results[index] ?? [new Error('no reply'), undefined];
        if (error === null) {
          replies.set(command.key, { value });
          continue;
        }
        replies.set(command.key, { error: error.message });
        if (isRefusal(error.message)) {
          refused.set(command.key, error.message);
          this.log.warn('command refused by the server; not sent again on this connection', {
            command: command.argv.slice(0, 2).join(' '),
            reply: error.message,
          });
        }
      }
      const info = replies.get(infoAll.key);
      if (info?.error !== undefined) throw new Error(`INFO failed: ${info.error}`);
      const document = serverInfo(info?.value);
      const explored = await this.#explore(caps, collectors, document, client, meter, signal);
      return new PipelineSnapshot(caps, document, replies, refused, explored);
    } finally {
      meter.limited = false;
    }
  }

  #meter(client: Redis): ReplyMeter {
    let meter = meters.get(client);
    if (meter === undefined) {
      const created: ReplyMeter = { received: 0, limited: false };
      client.stream.on('data', (chunk: Buffer) => {
        if (!created.limited) return;
        created.received += chunk.length;
        if (created.received <= maxReplyBytes) return;
        // disconnect() only ends the writing side; the socket would go on reading the rest of the reply.
        client.stream.destroy();
        this.drop(`the replies of one scrape exceeded ${maxReplyBytes} bytes`, client);
      });
      meters.set(client, created);
      meter = created;
    }
    return meter;
  }

  /**
   * INFO ALL and every collector's commands not refused on this connection, in order, each key once. The
   * same until the collectors, the connection or its refusals change: made once for all those scrapes.
   */
  #plan(caps: C, collectors: readonly RespCollector<C>[], refused: ReadonlyMap<string, string>): readonly CommandSpec[] {
    const last = this.#lastPlan;
    if (last?.caps === caps && last.refused === refused && last.refusals === refused.size && sameItems(last.collectors, collectors)) return last.commands;
    const planned = new Map<string, CommandSpec>([[infoAll.key, infoAll]]);
    for (const collector of collectors) {
      for (const command of collector.commands?.(caps) ?? []) {
        if (!refused.has(command.key)) planned.set(command.key, command);
      }
    }
    const commands = [...planned.values()];
    this.#lastPlan = { caps, collectors, refused, refusals: refused.size, commands };
    return commands;
  }

  /** Sends the commands pipelined under the deadline and the reply-size limit; on any failure the connection is dropped. */
  async #send(
    client: Redis,
    meter: ReplyMeter,
    signal: AbortSignal,
    commands: readonly { readonly argv: readonly string[] }[],
  ): Promise<[Error | null, unknown][]> {
    try {
      // INFO ALL comes back as bytes and becomes text only when parsed: as a string from the reply decoder it
      // outlived a young-generation GC while the rest of the pipeline was in flight and was promoted, 7 of
      // the 36 KiB promoted per scrape (sampling heap profile of what outlived the young generation, 20 targets).
      // The commands go out in one write (the socket is corked while they are queued), each with its own
      // promise, without an ioredis Pipeline around them: the same bytes on the wire, and whole scrapes in
      // turns (bench/ab-trees.ts) took 1308 rather than 1495 µs of CPU at the median.
      client.stream.cork();
      const replies = commands.map(({ argv }) => {
        const [name, ...args] = argv as [string, ...string[]];
        return (argv === infoAll.argv ? client.callBuffer(name, ...args) : client.call(name, ...args)).then(settled, failed);
      });
      client.stream.uncork();
      const results = await raceSignal(Promise.all(replies), signal);
      if (meter.received > maxReplyBytes) throw oversized();
      return results;
    } catch (error) {
      // A pipeline cut off by the deadline leaves replies in flight; only a new connection is clean.
      this.drop(signal.aborted ? 'scrape deadline passed mid-reply' : errorText(error), client);
      throw meter.received > maxReplyBytes ? oversized() : error;
    }
  }

  /**
   * Each explorer in turn on this connection. One that fails (a refused SCAN) fails only its collector;
   * a dropped connection or the deadline fails the scrape, as in the pipeline.
   */
  async #explore(
    caps: C,
    collectors: readonly RespCollector<C>[],
    info: InfoDocument,
    client: Redis,
    meter: ReplyMeter,
    signal: AbortSignal,
  ): Promise<Map<string, Explored>> {
    const explored = new Map<string, Explored>();
    for (const collector of collectors) {
      const explorer = collector.explore;
      if (explorer === undefined) continue;
      const declared = explorer.commands(caps);
      let connectionLost: unknown;
      const session = {
        info,
        batch: async (argvs: readonly (readonly [string, ...string[]])[]) => {
          const undeclared = argvs.find((argv) => !declared.some((prefix) => prefix.every((word, index) => word.toUpperCase() === argv[index]?.toUpperCase())));
          if (undeclared !== undefined) throw new Error(`${collector.name} sent ${undeclared[0]}, which it did not declare`);
          try {
            return (
              await this.#send(
                client,
                meter,
                signal,
                argvs.map((argv) => ({ argv })),
              )
            ).map(([error, value]) => error ?? value);
          } catch (error) {
            connectionLost = error;
            throw error;
          }
        },
      };
      try {
        explored.set(collector.name, { value: await explorer.run(session, caps) });
      } catch (error) {
        if (connectionLost !== undefined) throw connectionLost;
        explored.set(collector.name, { error });
      }
    }
    return explored;
  }

  /** One command outside a scrape (cluster discovery), on this target's connection, opened if need be. */
  async command(argv: CommandSpec['argv'], signal: AbortSignal): Promise<unknown> {
    await this.open(signal);
    return raceSignal(this.connection().handle.call(...argv), signal);
  }

  get address(): RespAddress {
    return this.#options.address;
  }

  protected async connect(signal: AbortSignal): Promise<{ handle: Redis; caps: C }> {
    const { address } = this.#options;
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
    client.on('close', () => this.drop('connection closed by the server or network', client));
    let accepted = false;
    try {
      await raceSignal(
        client.connect().catch((error: unknown) => {
          throw new KeepwatchError('KW_ERR_TARGET_UNREACHABLE', `cannot connect to ${address.display}: ${lastSocketError ?? errorText(error)}`);
        }),
        signal,
      );
      accepted = true;
      const caps = await raceSignal(this.#handshake(client), signal);
      this.log.info('connected', { target: address.display, server: caps.server, version: caps.version });
      return { handle: client, caps };
    } catch (error) {
      this.release(client);
      if (!signal.aborted) throw error;
      throw accepted
        ? new KeepwatchError('KW_ERR_TARGET_TIMEOUT', `${address.display} accepted the connection but did not answer within the scrape deadline`)
        : new KeepwatchError('KW_ERR_TARGET_UNREACHABLE', `no connection to ${address.display} within the scrape deadline`);
    }
  }

  protected release(client: Redis): void {
    client.removeAllListeners('close');
    client.on('error', () => {});
    client.disconnect(false);
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
    return this.#options.detect(serverInfo(info));
  }
}
