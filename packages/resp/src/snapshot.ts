import type { Collector } from '@keepwatch/core/scrape';
import type { RespCaps } from './capabilities.ts';
import type { InfoDocument } from './info/index.ts';

/** One command of the per-scrape pipeline; `key` names it in replies, refusals and logs. */
export interface CommandSpec {
  readonly key: string;
  readonly argv: readonly [string, ...string[]];
}

/** Everything one scrape read from the server, fetched in one pipelined round trip. */
export interface RespSnapshot<C extends RespCaps = RespCaps> {
  readonly caps: C;
  readonly info: InfoDocument;
  /** The reply of a command a collector asked for; throws the server's error if it failed. */
  reply(key: string): unknown;
}

export interface RespCollector<C extends RespCaps = RespCaps> extends Collector<C, RespSnapshot<C>> {
  /** Commands beyond INFO ALL (always sent) that this collector needs on this server. */
  commands?(caps: C): readonly CommandSpec[];
}
