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
