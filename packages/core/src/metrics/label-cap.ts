/**
 * A copy of `text` that holds nothing else. V8 cuts substrings of 13 characters or more out of a parsed
 * reply as slices that keep the whole reply alive (a 7 KiB INFO per kept label value, per target): what is
 * kept across scrapes is copied.
 */
export function detached(text: string): string {
  return text.length < 13 ? text : Buffer.from(text, 'utf8').toString('utf8');
}

/** The label value every value beyond a cap shares. */
export const overflowLabelValue = '__overflow__';

/**
 * Caps the distinct values of one dynamic label. Admission is sticky and first-come: a value keeps its own
 * series for the life of the cap, later values share `__overflow__`, so counters never jump between series.
 */
export class LabelCap {
  readonly limit: number;
  /** Made on the first value: a target holds several caps (modules, unknown keyspace attributes) that stay empty. */
  #admitted: Set<string> | undefined;

  constructor(limit: number) {
    this.limit = limit;
  }

  admit(value: string): string {
    this.#admitted ??= new Set();
    if (this.#admitted.has(value)) return value;
    if (this.#admitted.size < this.limit) {
      this.#admitted.add(detached(value));
      return value;
    }
    return overflowLabelValue;
  }
}
