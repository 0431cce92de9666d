/**
 * `compute` run once per key object, its result reused while the key lives: the records several collectors
 * read from one INFO reply, and the collectors that every target of a fleet shares (one copy per options
 * object, not one per target).
 */
export function memoized<K extends object, T>(compute: (key: K) => T): (key: K) => T {
  const cache = new WeakMap<K, T>();
  return (key) => {
    let value = cache.get(key);
    if (value === undefined) {
      value = compute(key);
      cache.set(key, value);
    }
    return value;
  };
}

/**
 * `compute` run once per name and kept for the process: label sets whose values come from a server's
 * command table, the same on every scrape of every target. Past `limit` names it starts over rather than
 * grow without bound.
 */
export function memoizedByName<T>(compute: (name: string) => T, limit = 4096): (name: string) => T {
  const cache = new Map<string, T>();
  return (name) => {
    let value = cache.get(name);
    if (value === undefined) {
      if (cache.size >= limit) cache.clear();
      value = compute(name);
      cache.set(name, value);
    }
    return value;
  };
}
