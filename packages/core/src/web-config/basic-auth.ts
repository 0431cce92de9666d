import crypto from 'node:crypto';
import bcrypt from 'bcryptjs';

/** A valid hash of a random string: unknown users are checked against it so timing does not reveal them. */
const dummyHash = '$2b$10$C..Sa5dvsf0iI6kLF6Ou4eQyUfiUzt8Jw.AoCtWcuEz4XNh9K5mDO';

/**
 * bcrypt checks, serialised (one at a time, so a flood of bad logins costs one core at most) and cached per
 * (user, hash, password digest), as the exporter-toolkit does.
 */
export class BasicAuthChecker {
  readonly #cache = new Map<string, boolean>();
  #queue: Promise<unknown> = Promise.resolve();

  async check(users: ReadonlyMap<string, string>, header: string | undefined): Promise<boolean> {
    const credentials = parseBasicAuth(header);
    if (credentials === undefined) return false;
    const hash = users.get(credentials.user);
    const digest = crypto
      .createHash('sha256')
      .update(`${credentials.user}\0${hash ?? ''}\0${credentials.password}`)
      .digest('hex');
    const cached = this.#cache.get(digest);
    if (cached !== undefined) return cached;
    const result = this.#queue.then(() => bcrypt.compare(credentials.password, hash ?? dummyHash));
    this.#queue = result.catch(() => false);
    const ok = (await result) && hash !== undefined;
    if (this.#cache.size > 1000) this.#cache.clear();
    this.#cache.set(digest, ok);
    return ok;
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
