/** One ACL LOG entry, by field name (RESP2 flat arrays are turned into this before tracking). */
export interface AclLogEntry {
  readonly count: number;
  readonly reason: string;
  readonly context: string;
  readonly object: string;
  readonly username: string;
  /** Redis 7.2+ and Valkey; absent on Redis 7.0 and Dragonfly. */
  readonly entryId?: number;
  /** timestamp-created: milliseconds on Redis 7.2+ and Valkey, nanoseconds (beyond 2^53) on Dragonfly. */
  readonly timestamp?: bigint;
}

export interface AclLogDelta {
  readonly reason: string;
  readonly context: string;
  readonly username: string;
  readonly events: number;
}

const identity = (entry: AclLogEntry) => `${entry.reason}\0${entry.context}\0${entry.object}\0${entry.username}`;

/**
 * Turns successive ACL LOG snapshots (newest first) into new events, so each denial is counted exactly
 * once across scrapes. The server folds repeats of one (reason, context, object, user) within 60 s into
 * one entry and raises its count, so an entry can grow between polls.
 *
 * With entry ids (Redis 7.2+, Valkey), entries are matched by id and ids that came and went between polls
 * are reported as lost. Without ids but with creation timestamps (Dragonfly: per-thread logs merged in no
 * useful order, entries never folded), an entry is new when it is younger than the youngest seen before.
 * With neither (Redis 7.0) the newest-first list is aligned with the previous one: new entries are those
 * before the first position where the previous list continues.
 */
export class AclLogTracker {
  #previous: AclLogEntry[] | undefined;
  #maxEntryId = -1;
  #newestTimestamp = -1n;
  /** Identities of the entries created at `#newestTimestamp`: two threads can log in the same nanosecond. */
  #atNewestTimestamp = new Set<string>();
  #lost = 0;

  get lost(): number {
    return this.#lost;
  }

  /** Forget what was seen (the server restarted); everything in the next snapshot is new. */
  restart(): void {
    this.#previous = [];
    this.#maxEntryId = -1;
    this.#newestTimestamp = -1n;
    this.#atNewestTimestamp.clear();
  }

  /** Returns the events since the previous call, oldest first; the first call only takes a baseline. */
  observe(entries: readonly AclLogEntry[]): AclLogDelta[] {
    const previous = this.#previous;
    this.#previous = [...entries];
    if (previous === undefined) {
      this.#maxEntryId = Math.max(-1, ...entries.map((entry) => entry.entryId ?? -1));
      this.#byTimestamp(entries);
      return [];
    }
    if (entries.every((entry) => entry.entryId !== undefined)) return this.#byId(previous, entries).reverse();
    if (entries.every((entry) => entry.timestamp !== undefined)) return this.#byTimestamp(entries);
    return this.#byAlignment(previous, entries).reverse();
  }

  /** Entries in any order; returns the new ones oldest first and moves the watermark. */
  #byTimestamp(entries: readonly AclLogEntry[]): AclLogDelta[] {
    const fresh = entries
      .filter((entry) => {
        const timestamp = entry.timestamp ?? -1n;
        return timestamp > this.#newestTimestamp || (timestamp === this.#newestTimestamp && !this.#atNewestTimestamp.has(identity(entry)));
      })
      .sort((a, b) => (a.timestamp === b.timestamp ? 0 : (a.timestamp ?? 0n) < (b.timestamp ?? 0n) ? -1 : 1));
    for (const entry of fresh) {
      const timestamp = entry.timestamp ?? -1n;
      if (timestamp > this.#newestTimestamp) {
        this.#newestTimestamp = timestamp;
        this.#atNewestTimestamp.clear();
      }
      this.#atNewestTimestamp.add(identity(entry));
    }
    return fresh.map((entry) => toDelta(entry, entry.count));
  }

  #byId(previous: readonly AclLogEntry[], entries: readonly AclLogEntry[]): AclLogDelta[] {
    const seen = new Map(previous.map((entry) => [entry.entryId, entry.count]));
    const deltas: AclLogDelta[] = [];
    let newEntries = 0;
    let maxId = this.#maxEntryId;
    for (const entry of entries) {
      const id = entry.entryId ?? -1;
      const before = seen.get(id) ?? 0;
      if (id > this.#maxEntryId) newEntries += 1;
      maxId = Math.max(maxId, id);
      if (entry.count > before) deltas.push(toDelta(entry, entry.count - before));
    }
    this.#lost += Math.max(0, maxId - this.#maxEntryId - newEntries);
    this.#maxEntryId = maxId;
    return deltas;
  }

  #byAlignment(previous: readonly AclLogEntry[], entries: readonly AclLogEntry[]): AclLogDelta[] {
    const offset = alignment(previous, entries);
    const deltas: AclLogDelta[] = [];
    entries.forEach((entry, index) => {
      const before = index >= offset ? (previous[index - offset]?.count ?? 0) : 0;
      if (entry.count > before) deltas.push(toDelta(entry, entry.count - before));
    });
    return deltas;
  }
}

/** Smallest shift k such that entries[k..] continues previous[0..] (same identity, count not lower). */
function alignment(previous: readonly AclLogEntry[], entries: readonly AclLogEntry[]): number {
  for (let offset = 0; offset <= entries.length; offset += 1) {
    let matches = true;
    for (let index = offset; index < entries.length && index - offset < previous.length; index += 1) {
      const now = entries[index];
      const then = previous[index - offset];
      if (now === undefined || then === undefined || identity(now) !== identity(then) || now.count < then.count) {
        matches = false;
        break;
      }
    }
    if (matches) return offset;
  }
  return entries.length;
}

function toDelta(entry: AclLogEntry, events: number): AclLogDelta {
  return { reason: entry.reason, context: entry.context, username: entry.username, events };
}
