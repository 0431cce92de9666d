/**
 * `compute` run once per key object, its result reused while the key lives: the collectors that every target
 * of a fleet shares (one copy per options object, not one per target). For keys that live long only: a
 * young-generation GC keeps the values of a WeakMap's young keys alive, so per-scrape keys would promote
 * their values (what an INFO reply's records use instead: `InfoDocument.derived`).
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
