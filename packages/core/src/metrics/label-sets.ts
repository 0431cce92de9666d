import type { Labels } from './family.ts';

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

/**
 * Label sets declared to live as long as the process (made once by `labelSets`), each with its `{...}` bytes
 * once the exposition has written it (null until then). The exposition copies those bytes instead of writing
 * each name and value again. Label sets made per scrape are only looked up, never added: a WeakMap keyed by
 * young objects keeps its values alive through young-generation GCs.
 */
export const lastingLabels = new WeakMap<Labels, Buffer | null>();

/** Declares `labels` lasting (see `lastingLabels`); they must not change afterwards. */
export function lasting<T extends Labels>(labels: T): T {
  if (!lastingLabels.has(labels)) lastingLabels.set(labels, null);
  return labels;
}
