/**
 * `build` run once per value and kept for the process: label sets whose values come from a bounded
 * vocabulary (collector names, a server's command table, its quantiles), the same on every scrape of every
 * target, so a scrape labels its samples without making an object per sample. Past `limit` values it starts
 * over rather than grow without bound.
 */
export function labelSets<K extends string | number, T>(build: (value: K) => T, limit = 4096): (value: K) => T {
  const cache = new Map<K, T>();
  return (value) => {
    let built = cache.get(value);
    if (built === undefined) {
      if (cache.size >= limit) cache.clear();
      built = build(value);
      cache.set(value, built);
    }
    return built;
  };
}
