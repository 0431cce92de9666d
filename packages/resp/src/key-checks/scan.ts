import type { RespSession } from '../snapshot.ts';

/**
 * One SCAN pass over a database (optionally by MATCH pattern and TYPE) that resumes where the last scrape
 * stopped, so a keyspace larger than one scrape's budget is covered over several scrapes and the server
 * sees at most the budget per scrape. SCAN returns every key present for the whole pass at least once
 * (the SCAN guarantee, valkey src/db.c scanGenericCommand), so a finished pass is a complete list.
 */
export class ResumableScan<Pass> {
  readonly db: number;
  readonly match: string | undefined;
  readonly type: string | undefined;
  readonly #newPass: () => Pass;
  #cursor = '0';
  #pass: Pass;
  /** The last finished pass; undefined until the first one finishes. */
  finished: Pass | undefined;
  /** Passes finished since the exporter started. */
  passes = 0;

  constructor(options: { db: number; match?: string; type?: string; newPass: () => Pass }) {
    this.db = options.db;
    this.match = options.match;
    this.type = options.type;
    this.#newPass = options.newPass;
    this.#pass = options.newPass();
  }

  get pass(): Pass {
    return this.#pass;
  }

  argv(count: number): [string, ...string[]] {
    return [
      'SCAN',
      this.#cursor,
      ...(this.match === undefined ? [] : ['MATCH', this.match]),
      'COUNT',
      String(count),
      ...(this.type === undefined ? [] : ['TYPE', this.type]),
    ];
  }

  /** Takes one SCAN reply: returns its keys, and true with them when the pass ended. */
  advance(reply: unknown): { keys: string[]; ended: boolean } {
    if (reply instanceof Error) throw reply;
    if (!Array.isArray(reply) || reply.length !== 2 || !Array.isArray(reply[1])) throw new Error('SCAN returned an unexpected reply');
    this.#cursor = String(reply[0]);
    return { keys: reply[1].map(String), ended: this.#cursor === '0' };
  }

  /** Publishes the pass that just ended and starts the next. */
  finish(): void {
    this.finished = this.#pass;
    this.passes += 1;
    this.#pass = this.#newPass();
  }
}

/** Commands that select a database before the ones that follow; a cluster node has only database 0. */
export function inDatabase(db: number, commands: readonly [string, ...string[]][]): [string, ...string[]][] {
  return [['SELECT', String(db)], ...commands];
}

/** A failed SELECT would leave the commands after it reading another database. */
export function checkSelected(db: number, reply: unknown): void {
  if (reply instanceof Error) throw new Error(`SELECT ${db}: ${reply.message}`);
}

/**
 * Advances the scans, one SCAN each per round trip, until each has finished a pass this scrape or the
 * budget (keys the server may examine: COUNT per SCAN call) is spent. `onKeys` sees each batch of keys and
 * may cost more of the budget (a round trip of its own per batch, e.g. MEMORY USAGE), returning that cost.
 */
export async function advanceScans<Pass>(
  session: RespSession,
  scans: readonly ResumableScan<Pass>[],
  budget: { keys: number; count: number },
  onKeys: (scan: ResumableScan<Pass>, keys: string[]) => Promise<number> | number = () => 0,
): Promise<void> {
  let left = budget.keys;
  const active = new Set(scans);
  while (active.size > 0 && left > 0) {
    const round = [...active];
    const replies = await session.batch(round.flatMap((scan) => inDatabase(scan.db, [scan.argv(budget.count)])));
    for (const [index, scan] of round.entries()) {
      checkSelected(scan.db, replies[index * 2]);
      const { keys, ended } = scan.advance(replies[index * 2 + 1]);
      left -= budget.count + (keys.length > 0 ? await onKeys(scan, keys) : 0);
      if (ended) {
        scan.finish();
        active.delete(scan);
      }
    }
  }
}
