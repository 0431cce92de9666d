import type { Collector } from '@keepwatch/core/scrape';
import type { RespCaps } from './capabilities.ts';
import type { InfoDocument } from './info/index.ts';

/** One command of the per-scrape pipeline; `key` names it in replies, refusals and logs. */
export interface CommandSpec {
  readonly key: string;
  readonly argv: readonly [string, ...string[]];
}

/** Everything one scrape read from the server: the pipelined round trip, then what explorers found. */
export interface RespSnapshot<C extends RespCaps = RespCaps> {
  readonly caps: C;
  readonly info: InfoDocument;
  /** The reply of a command a collector asked for; throws the server's error if it failed. */
  reply(key: string): unknown;
  /** What the collector's explorer returned this scrape; throws the error it failed with. */
  explored(collector: string): unknown;
}

/** Round trips after the pipeline, on the scrape's connection, under its deadline and reply-size limit. */
export interface RespSession {
  /** This scrape's INFO ALL (which databases have keys). */
  readonly info: InfoDocument;
  /** Sends the commands pipelined; each reply in order, a command the server failed as an Error. */
  batch(commands: readonly (readonly [string, ...string[]])[]): Promise<unknown[]>;
}

/**
 * Reads whose commands depend on earlier replies (SCAN cursors, then each key's type). They cost round
 * trips, so only collectors the user configured have one (key and stream checks).
 */
export interface RespExplorer<C extends RespCaps = RespCaps> {
  /** Every command `run` may send, as its leading words: the ACL rules it needs; the session refuses any other. */
  commands(caps: C): readonly CommandSpec['argv'][];
  run(session: RespSession, caps: C): Promise<unknown>;
}

export interface RespCollector<C extends RespCaps = RespCaps> extends Collector<C, RespSnapshot<C>> {
  /**
   * Commands beyond INFO ALL (always sent) that this collector needs on this server: the same for the same
   * caps (the target plans them once per connection, not per scrape).
   */
  commands?(caps: C): readonly CommandSpec[];
  /** Runs after the pipeline when the collector is enabled and applies; collect() reads its result. */
  readonly explore?: RespExplorer<C>;
}
