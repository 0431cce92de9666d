import { type MetricDescriptor, type MetricType, type SampleSuffix, sinkState } from './descriptor.ts';

export type Labels = Readonly<Record<string, string>>;

/** One sample, in the shape prom-client's registry formats (so exposition passes it through untouched). */
export interface Sample {
  readonly labels: Labels;
  readonly value: number;
  /** Full sample name when it differs from the family name (summary and histogram `_sum`/`_count`/`_bucket`). */
  readonly metricName?: string;
}

/** A family with its samples as objects: what tests and tools read (see `MetricSink.families`). */
export interface MetricFamily {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  readonly samples: Sample[];
}

/** What the `# HELP` and `# TYPE` lines say. */
export interface FamilyHead {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  /** The name as bytes, written before every sample of the family. */
  readonly nameBytes: Buffer;
  /** Those two lines as bytes, per format, kept by the exposition: heads are shared by every scrape. */
  readonly headerBytes: { text?: Buffer; openMetrics?: Buffer };
}

/**
 * A sink's samples grouped by family, in the order the families were created (the exposition's): family
 * `f`'s samples are `order[starts[f]]` to `order[starts[f + 1] - 1]`, indices into the columns. `starts` and
 * `order` are reused by the next call of `columns` on any sink: read them before that.
 */
export interface SampleColumns {
  readonly families: readonly FamilyHead[];
  readonly starts: Int32Array;
  readonly order: Int32Array;
  readonly values: Float64Array;
  readonly labels: readonly Labels[];
  /** Per sample, in the low two bits: the index into `sampleSuffixes` of what follows the family's name. */
  readonly tags: Int32Array;
}

/** The sample name suffixes by code; 0 is none. */
export const sampleSuffixes = ['', '_bucket', '_sum', '_count'] as const;
const suffixCodes: Readonly<Record<SampleSuffix, number>> = { _bucket: 1, _sum: 2, _count: 3 };

const namePattern = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const noLabels: Labels = Object.freeze({});

/**
 * What a descriptor's first sample checked (its names; later samples only check that the label set is
 * complete), with the full name under the namespace it was last emitted in: one lookup per sample instead of
 * three. Kept on the descriptor (see `sinkState`).
 */
type CheckedDescriptor = { namespace: string; fullName: string; slot: number };
type DescriptorWithState = MetricDescriptor & { [sinkState]?: CheckedDescriptor };
/** Family names already checked, with their type; every scrape builds the same families again. */
const checkedFamilies = new Map<string, MetricType>();
/** Label sets already checked per family name. */
const checkedLabelSets = new Set<string>();
/**
 * A number per family name this process has seen: a sink finds its families by slot in an array, where a
 * Map filled again on every scrape allocated ~28 KiB per scrape as it grew (sampling heap profile).
 */
const slots = new Map<string, number>();
/** The head each slot had when first created, shared by every later sink that creates it the same way. */
const sharedHeads: (FamilyHead | undefined)[] = [];

function slotOf(fullName: string): number {
  let slot = slots.get(fullName);
  if (slot === undefined) {
    slot = slots.size;
    slots.set(fullName, slot);
  }
  return slot;
}

/** `<namespace>_<name>` (just `<name>` without a namespace), built once per pair and reused. */
const fullNames = new Map<string, Map<string, string>>();
function fullName(namespace: string, name: string): string {
  let names = fullNames.get(namespace);
  if (names === undefined) {
    names = new Map();
    fullNames.set(namespace, names);
  }
  let joined = names.get(name);
  if (joined === undefined) {
    joined = namespace === '' ? name : `${namespace}_${name}`;
    names.set(name, joined);
  }
  return joined;
}

function checkLabelNames(names: readonly string[], metric: string): void {
  for (const key of names) {
    if (!namePattern.test(key) || key.startsWith('__')) throw new Error(`invalid label name ${key} on ${metric}`);
  }
}

/** The most samples one sink has held: a new sink starts with room for as many. */
let expectedSamples = 64;
/** The grouping arrays of `columns`, reused from call to call (each array here is one more buffer to allocate and free). */
let groupStarts = new Int32Array(256);
let groupOrder = new Int32Array(1024);
let groupNext = new Int32Array(256);

/**
 * Where collectors put what they read. Families are keyed by full name; adding to an existing family with
 * another type or help is a programming error and throws, so a collector bug fails that collector only.
 * Checks run once per family or descriptor, not per sample: a scrape adds about a thousand samples.
 *
 * Samples are kept column by column (value, labels, name suffix, family) rather than as an object each:
 * sample objects, boxed values and per-family arrays were about 90 of the 292 KiB a scrape of ~600 samples
 * allocated (sampling heap profile, 20 targets), the largest share of what the garbage collector cleared.
 * A collector's samples are the last ones added, so taking them back is cutting the columns at the
 * checkpoint.
 */
export class MetricSink {
  readonly namespace: string;
  /** Per slot: the family's position in `#created` plus one; 0 until its first sample. */
  #position = new Int32Array(slots.size);
  /** Slots in the order their families were created (the exposition's order), and their heads. */
  readonly #created: number[] = [];
  readonly #heads: FamilyHead[] = [];
  #count = 0;
  #values = new Float64Array(expectedSamples);
  #labels: Labels[] = new Array(expectedSamples);
  /** Per sample: its family's slot, shifted left two bits, and its name suffix's code in those two bits. */
  #slotAndSuffix = new Int32Array(expectedSamples);
  /** Where the columns and the created families were at the checkpoint; -1 when none is open. */
  #markSamples = -1;
  #markFamilies = 0;

  constructor(namespace: string) {
    this.namespace = namespace;
  }

  /** `name` is given without the namespace; the sink prefixes it. Used for fields known only at run time. */
  add(name: string, type: MetricType, help: string, value: number, labels: Labels = noLabels, suffix?: SampleSuffix): void {
    if (!Number.isFinite(value)) return;
    const created = this.#created.length;
    const full = fullName(this.namespace, name);
    const slot = this.#familySlot(slotOf(full), full, type, help);
    if (this.#created.length !== created && labels !== noLabels) {
      const family = this.#heads[created] as FamilyHead;
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
    let checked = (descriptor as DescriptorWithState)[sinkState];
    if (checked === undefined) {
      checkLabelNames([...descriptor.labels, 'quantile', 'le'], descriptor.name);
      const name = fullName(this.namespace, descriptor.name);
      checked = { namespace: this.namespace, fullName: name, slot: slotOf(name) };
      (descriptor as DescriptorWithState)[sinkState] = checked;
    } else if (checked.namespace !== this.namespace) {
      checked.namespace = this.namespace;
      checked.fullName = fullName(this.namespace, descriptor.name);
      checked.slot = slotOf(checked.fullName);
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
    this.#push(this.#familySlot(checked.slot, checked.fullName, descriptor.type, descriptor.help), value, labels, suffix);
  }

  /** The samples grouped by family, for the exposition (a counting sort by family: two small arrays). */
  columns(): SampleColumns {
    const count = this.#count;
    const families = this.#heads;
    if (groupStarts.length <= families.length) {
      groupStarts = new Int32Array(families.length * 2 + 1);
      groupNext = new Int32Array(families.length * 2 + 1);
    }
    if (groupOrder.length < count) groupOrder = new Int32Array(count * 2);
    const starts = groupStarts.fill(0, 0, families.length + 1);
    const next = groupNext;
    const order = groupOrder;
    const positions = this.#position;
    const tags = this.#slotAndSuffix;
    for (let index = 0; index < count; index += 1) {
      const family = positions[(tags[index] as number) >> 2] as number;
      starts[family] = (starts[family] as number) + 1;
    }
    for (let family = 0; family < families.length; family += 1) {
      starts[family + 1] = (starts[family + 1] as number) + (starts[family] as number);
      next[family] = starts[family] as number;
    }
    for (let index = 0; index < count; index += 1) {
      const family = (positions[(tags[index] as number) >> 2] as number) - 1;
      const at = next[family] as number;
      order[at] = index;
      next[family] = at + 1;
    }
    if (count > expectedSamples) expectedSamples = Math.min(count, 1 << 16);
    return { families, starts, order, values: this.#values, labels: this.#labels, tags };
  }

  /** The families with their samples as objects (tests and tools; the exposition reads `columns`). */
  families(): MetricFamily[] {
    const { families, starts, order, values, labels, tags } = this.columns();
    return families.map((head, family) => {
      const samples: Sample[] = [];
      for (let at = starts[family] as number; at < (starts[family + 1] as number); at += 1) {
        const index = order[at] as number;
        const suffix = sampleSuffixes[(tags[index] as number) & 3] as string;
        const sample = { labels: labels[index] as Labels, value: values[index] as number };
        samples.push(suffix === '' ? sample : { ...sample, metricName: `${head.name}${suffix}` });
      }
      return { name: head.name, help: head.help, type: head.type, samples };
    });
  }

  /**
   * Starts recording what is added, so that `rollback` can take it back: a collector that fails midway
   * publishes none of its samples. `commit` keeps them. One sink per scrape with a checkpoint per collector
   * instead of a sink per collector merged afterwards: fewer maps and copies on every scrape.
   */
  checkpoint(): void {
    this.#markSamples = this.#count;
    this.#markFamilies = this.#created.length;
  }

  commit(): void {
    this.#markSamples = -1;
  }

  rollback(): void {
    if (this.#markSamples === -1) return;
    this.#labels.fill(noLabels, this.#markSamples, this.#count);
    this.#count = this.#markSamples;
    for (const slot of this.#created.splice(this.#markFamilies)) this.#position[slot] = 0;
    this.#heads.length = this.#markFamilies;
    this.commit();
  }

  /** The family's slot, after creating the family if need be. */
  #familySlot(slot: number, fullName: string, type: MetricType, help: string): number {
    const position = slot < this.#position.length ? (this.#position[slot] as number) : 0;
    if (position === 0) {
      if (checkedFamilies.get(fullName) !== type) {
        if (!namePattern.test(fullName)) throw new Error(`invalid metric name ${fullName}`);
        if (type === 'counter' && !fullName.endsWith('_total')) throw new Error(`counter ${fullName} must end in _total`);
        checkedFamilies.set(fullName, type);
      }
      let shared = sharedHeads[slot];
      if (shared === undefined || shared.type !== type || shared.help !== help) {
        shared = { name: fullName, help, type, nameBytes: Buffer.from(fullName), headerBytes: {} };
        sharedHeads[slot] ??= shared;
      }
      if (slot >= this.#position.length) {
        const grown = new Int32Array(Math.max(slots.size, this.#position.length * 2));
        grown.set(this.#position);
        this.#position = grown;
      }
      this.#created.push(slot);
      this.#heads.push(shared);
      this.#position[slot] = this.#created.length;
    } else {
      const head = this.#heads[position - 1] as FamilyHead;
      if (head.type !== type || head.help !== help) throw new Error(`metric ${fullName} added twice with different type or help`);
    }
    return slot;
  }

  #push(slot: number, value: number, labels: Labels, suffix: SampleSuffix | undefined): void {
    const index = this.#count;
    if (index === this.#values.length) this.#grow();
    this.#values[index] = value;
    this.#labels[index] = labels;
    this.#slotAndSuffix[index] = (slot << 2) | (suffix === undefined ? 0 : suffixCodes[suffix]);
    this.#count = index + 1;
  }

  #grow(): void {
    const capacity = this.#values.length * 2;
    const values = new Float64Array(capacity);
    values.set(this.#values);
    this.#values = values;
    const tags = new Int32Array(capacity);
    tags.set(this.#slotAndSuffix);
    this.#slotAndSuffix = tags;
    this.#labels.length = capacity;
  }
}
