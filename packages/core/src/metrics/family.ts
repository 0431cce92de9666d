import type { MetricDescriptor, MetricType, SampleSuffix } from './descriptor.ts';

export type Labels = Readonly<Record<string, string>>;

/** One sample, in the shape prom-client's registry formats (so exposition passes it through untouched). */
export interface Sample {
  readonly labels: Labels;
  readonly value: number;
  /** Full sample name when it differs from the family name (summary and histogram `_sum`/`_count`/`_bucket`). */
  readonly metricName?: string;
}

export interface MetricFamily {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  readonly samples: Sample[];
}

const namePattern = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const noLabels: Labels = Object.freeze({});
/** What a family holds until its first sample, which replaces it (never pushed to): one array for all. */
const noSamples: Sample[] = [];

/** Descriptors whose names were checked once; later samples only check that the label set is complete. */
const checkedDescriptors = new WeakSet<MetricDescriptor>();
/** Family names already checked, with their type; every scrape builds the same families again. */
const checkedFamilies = new Map<string, MetricType>();
/** Label sets already checked per family name. */
const checkedLabelSets = new Set<string>();
/**
 * A number per family name this process has seen: a sink finds its families by slot in an array, where a
 * Map filled again on every scrape allocated ~28 KiB per scrape as it grew (sampling heap profile).
 */
const slots = new Map<string, number>();

function slotOf(fullName: string): number {
  let slot = slots.get(fullName);
  if (slot === undefined) {
    slot = slots.size;
    slots.set(fullName, slot);
  }
  return slot;
}

/**
 * `<first><separator><second>` (just `<second>` when `first` is empty), built once per pair and reused: a
 * scrape adds about a thousand samples and allocates no name for any of them.
 */
function joined(cache: Map<string, Map<string, string>>, first: string, separator: string, second: string): string {
  let names = cache.get(first);
  if (names === undefined) {
    names = new Map();
    cache.set(first, names);
  }
  let name = names.get(second);
  if (name === undefined) {
    name = first === '' ? second : `${first}${separator}${second}`;
    names.set(second, name);
  }
  return name;
}

/** `<namespace>_<name>`, per namespace. */
const fullNames = new Map<string, Map<string, string>>();
const fullName = (namespace: string, name: string) => joined(fullNames, namespace, '_', name);

/** `<family>_bucket`, `_sum` and `_count`, per family. */
const suffixedNames = new Map<string, Map<string, string>>();
const suffixedName = (familyName: string, suffix: SampleSuffix) => joined(suffixedNames, familyName, '', suffix);

function checkLabelNames(names: readonly string[], metric: string): void {
  for (const key of names) {
    if (!namePattern.test(key) || key.startsWith('__')) throw new Error(`invalid label name ${key} on ${metric}`);
  }
}

/**
 * Where collectors put what they read. Families are keyed by full name; adding to an existing family with
 * another type or help is a programming error and throws, so a collector bug fails that collector only.
 * Checks run once per family or descriptor, not per sample: a scrape adds about a thousand samples.
 */
export class MetricSink {
  readonly namespace: string;
  /** Families by slot, and in the order they were created (the exposition's order). */
  readonly #bySlot: (MetricFamily | undefined)[] = new Array(slots.size);
  readonly #families: MetricFamily[] = [];
  /**
   * The journal since the last checkpoint, kept in arrays reused for every collector rather than a map per
   * collector: families created since are those from `#mark` on; the families touched before that (by
   * slot, in `#touched`) with their sample count then (in `#before`).
   */
  #journaling = false;
  #mark = 0;
  readonly #touched: number[] = [];
  readonly #before: (number | undefined)[] = new Array(slots.size);

  constructor(namespace: string) {
    this.namespace = namespace;
  }

  /** `name` is given without the namespace; the sink prefixes it. Used for fields known only at run time. */
  add(name: string, type: MetricType, help: string, value: number, labels: Labels = noLabels, suffix?: SampleSuffix): void {
    if (!Number.isFinite(value)) return;
    const slot = this.#familySlot(fullName(this.namespace, name), type, help);
    const family = this.#bySlot[slot] as MetricFamily;
    if (family.samples.length === 0 && labels !== noLabels) {
      const key = `${family.name}{${Object.keys(labels).join(',')}}`;
      if (!checkedLabelSets.has(key)) {
        checkLabelNames(Object.keys(labels), family.name);
        checkedLabelSets.add(key);
      }
    }
    this.#push(slot, value, labels, suffix);
  }

  /** Adds a sample of a described metric; the label names must be exactly the descriptor's. */
  emit(descriptor: MetricDescriptor, value: number, labels: Labels = noLabels, suffix?: SampleSuffix): void {
    if (!Number.isFinite(value)) return;
    if (!checkedDescriptors.has(descriptor)) {
      checkLabelNames([...descriptor.labels, 'quantile', 'le'], descriptor.name);
      checkedDescriptors.add(descriptor);
    }
    if (descriptor.type === 'histogram' && suffix === undefined) throw new Error(`${descriptor.name} is a histogram: its samples are _bucket, _sum and _count`);
    // The label a summary's quantiles and a histogram's buckets carry beyond the descriptor's.
    const extra = descriptor.type === 'summary' && suffix === undefined ? 'quantile' : suffix === '_bucket' ? 'le' : undefined;
    // Counted without Object.keys: this runs for every sample of every scrape.
    let given = 0;
    for (const _ in labels) given += 1;
    let present = 0;
    for (const name of descriptor.labels) if (labels[name] !== undefined) present += 1;
    if (present !== descriptor.labels.length || given !== present + (extra === undefined ? 0 : 1) || (extra !== undefined && labels[extra] === undefined)) {
      const expected = extra === undefined ? descriptor.labels : [...descriptor.labels, extra];
      throw new Error(`${descriptor.name} needs labels [${expected.join(', ')}], got [${Object.keys(labels).join(', ')}]`);
    }
    this.#push(this.#familySlot(fullName(this.namespace, descriptor.name), descriptor.type, descriptor.help), value, labels, suffix);
  }

  families(): MetricFamily[] {
    return this.#families.slice();
  }

  /**
   * Starts recording what is added, so that `rollback` can take it back: a collector that fails midway
   * publishes none of its samples. `commit` keeps them. One sink per scrape with a journal per collector
   * instead of a sink per collector merged afterwards: fewer maps and copies on every scrape.
   */
  checkpoint(): void {
    this.commit();
    this.#journaling = true;
    this.#mark = this.#families.length;
  }

  commit(): void {
    for (const slot of this.#touched) this.#before[slot] = undefined;
    this.#touched.length = 0;
    this.#journaling = false;
  }

  rollback(): void {
    if (!this.#journaling) return;
    for (const slot of this.#touched) (this.#bySlot[slot] as MetricFamily).samples.length = this.#before[slot] as number;
    for (const family of this.#families.splice(this.#mark)) this.#bySlot[slotOf(family.name)] = undefined;
    this.commit();
  }

  /** The slot of the family, created if need be. */
  #familySlot(fullName: string, type: MetricType, help: string): number {
    const slot = slotOf(fullName);
    let family = this.#bySlot[slot];
    if (family === undefined) {
      if (checkedFamilies.get(fullName) !== type) {
        if (!namePattern.test(fullName)) throw new Error(`invalid metric name ${fullName}`);
        if (type === 'counter' && !fullName.endsWith('_total')) throw new Error(`counter ${fullName} must end in _total`);
        checkedFamilies.set(fullName, type);
      }
      family = { name: fullName, help, type, samples: noSamples };
      this.#bySlot[slot] = family;
      this.#families.push(family);
    } else if (family.type !== type || family.help !== help) {
      throw new Error(`metric ${fullName} added twice with different type or help`);
    }
    return slot;
  }

  #push(slot: number, value: number, labels: Labels, suffix: SampleSuffix | undefined): void {
    const family = this.#bySlot[slot] as MetricFamily;
    // A family created since the checkpoint has no samples at its first push here, and goes as a whole.
    if (this.#journaling && family.samples.length > 0 && this.#before[slot] === undefined) {
      this.#before[slot] = family.samples.length;
      this.#touched.push(slot);
    }
    const sample = suffix === undefined ? { labels, value } : { labels, value, metricName: suffixedName(family.name, suffix) };
    // Most families hold one sample: a one-element array, where a push onto an empty one reserves room for 16.
    if (family.samples.length === 0) (family as { samples: Sample[] }).samples = [sample];
    else family.samples.push(sample);
  }
}
