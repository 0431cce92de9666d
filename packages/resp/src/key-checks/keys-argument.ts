import { KeepwatchError } from '@keepwatch/core/errors';

/** A key or SCAN pattern in one database, as `--collector.keys.check` and redis_exporter's --check-keys write it. */
export interface DbKey {
  readonly db: number;
  readonly key: string;
}

/** SCAN MATCH's glob characters (redis_exporter exporter/keys.go globPattern): a key with none is read directly. */
export function isPattern(key: string): boolean {
  return /[?*[\]^]/.test(key);
}

/**
 * `[db=]key` items, as redis_exporter parseKeyArg (exporter/keys.go at v1.69.0) reads them: the database
 * as `3` or `db3` (default 0), the key URL-decoded so it can hold a comma (`%2C`).
 */
export function parseDbKeys(flag: string, items: readonly string[]): DbKey[] {
  return items.map((item) => {
    const parts = item.split('=');
    if (parts.length > 2) throw new KeepwatchError('KW_ERR_FLAG', `--${flag} ${JSON.stringify(item)}: write one [db=]key per item`);
    const [dbPart, keyPart] = parts.length === 2 ? parts : ['0', parts[0]];
    const digits = (dbPart ?? '').trim().replace(/^db/, '');
    const db = Number(digits);
    if (!/^\d+$/.test(digits)) {
      throw new KeepwatchError('KW_ERR_FLAG', `--${flag} ${JSON.stringify(item)}: ${JSON.stringify(dbPart)} is not a database number`);
    }
    let key: string;
    try {
      key = decodeURIComponent((keyPart ?? '').trim().replaceAll('+', ' '));
    } catch {
      throw new KeepwatchError('KW_ERR_FLAG', `--${flag} ${JSON.stringify(item)}: the key is not valid URL encoding`);
    }
    if (key === '') throw new KeepwatchError('KW_ERR_FLAG', `--${flag} ${JSON.stringify(item)}: the key is empty`);
    return { db, key };
  });
}

/** The keys named directly, then those the finished passes found, up to `max` of the latter, each once. */
export function keysToRead(direct: readonly DbKey[], found: readonly { db: number; keys: Iterable<string> | undefined }[], max: number): DbKey[] {
  const chosen = new Map<string, DbKey>(direct.map((entry) => [`${entry.db}\u0000${entry.key}`, entry]));
  const limit = chosen.size + max;
  for (const { db, keys } of found) {
    for (const key of keys ?? []) {
      if (chosen.size >= limit) return [...chosen.values()];
      chosen.set(`${db}\u0000${key}`, { db, key });
    }
  }
  return [...chosen.values()];
}
