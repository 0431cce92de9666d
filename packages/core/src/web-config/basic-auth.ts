import crypto from 'node:crypto';
import bcrypt from 'bcryptjs';

/** A valid hash of a random string: unknown users are checked against it so timing does not reveal them. */
const dummyHash = '$2b$10$C..Sa5dvsf0iI6kLF6Ou4eQyUfiUzt8Jw.AoCtWcuEz4XNh9K5mDO';

/** Logins remembered as verified; only a correct login enters, so a flood of bad ones cannot evict Prometheus's. */
const verifiedLimit = 64;
/** Bad logins remembered, so repeating one costs no bcrypt; the oldest are forgotten first. */
const rejectedLimit = 1024;
/** bcrypt checks waiting or running at once; beyond it a login never seen is refused at once (`busy`). */
const pendingLimit = 8;

export type BasicAuthResult = 'ok' | 'unauthorized' | 'busy';

/** A Map kept in use order: a hit moves to the end, the oldest entry leaves when the limit is passed. */
class Lru {
  readonly #entries = new Map<string, true>();
  readonly #limit: number;

  constructor(limit: number) {
    this.#limit = limit;
  }

  has(key: string): boolean {
    if (!this.#entries.delete(key)) return false;
    this.#entries.set(key, true);
    return true;
  }

  add(key: string): void {
    this.#entries.delete(key);
    this.#entries.set(key, true);
    if (this.#entries.size > this.#limit) this.#entries.delete(this.#entries.keys().next().value ?? '');
  }
}

/**
 * bcrypt checks as the exporter-toolkit caches them (per user, hash and password digest), hardened against a
 * flood: verified and rejected logins live in separate LRUs, checks run one at a time (a flood costs one core
 * at most) and at most `pendingLimit` wait, so a scraper whose login was verified once is answered at once
 * whatever an attacker sends.
 */
export class BasicAuthChecker {
  readonly #verified = new Lru(verifiedLimit);
  readonly #rejected = new Lru(rejectedLimit);
  #queue: Promise<unknown> = Promise.resolve();
  #pending = 0;

  async check(users: ReadonlyMap<string, string>, header: string | undefined): Promise<BasicAuthResult> {
    const credentials = parseBasicAuth(header);
    if (credentials === undefined) return 'unauthorized';
    const hash = users.get(credentials.user);
    const digest = crypto
      .createHash('sha256')
      .update(`${credentials.user}\0${hash ?? ''}\0${credentials.password}`)
      .digest('hex');
    if (this.#verified.has(digest)) return 'ok';
    if (this.#rejected.has(digest)) return 'unauthorized';
    if (this.#pending >= pendingLimit) return 'busy';
    this.#pending += 1;
    const result = this.#queue.then(() => bcrypt.compare(credentials.password, hash ?? dummyHash));
    this.#queue = result.catch(() => false);
    try {
      const ok = (await result) && hash !== undefined;
      (ok ? this.#verified : this.#rejected).add(digest);
      return ok ? 'ok' : 'unauthorized';
    } finally {
      this.#pending -= 1;
    }
  }
}

function parseBasicAuth(header: string | undefined): { user: string; password: string } | undefined {
  if (header === undefined) return undefined;
  const [scheme, encoded] = header.split(' ');
  if (scheme === undefined || encoded === undefined || scheme.toLowerCase() !== 'basic') return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
