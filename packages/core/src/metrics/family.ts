import type { MetricDescriptor } from './descriptor.ts';

export type MetricType = 'counter' | 'gauge' | 'summary' | 'untyped';

export type Labels = Readonly<Record<string, string>>;

export interface Sample {
  /** Sample name when it differs from the family name (summary `_sum`/`_count`). */
  readonly suffix?: '_sum' | '_count';
  readonly labels: Labels;
  readonly value: number;
}

export interface MetricFamily {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  readonly samples: Sample[];
}

const metricNamePattern = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const labelNamePattern = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * Where collectors put what they read. Families are keyed by full name; adding to an existing family with
 * another type or help is a programming error and throws, so a collector bug fails that collector only.
 */
export class MetricSink {
  readonly namespace: string;
  readonly #families = new Map<string, MetricFamily>();

  constructor(namespace: string) {
    this.namespace = namespace;
  }

  /** `name` is given without the namespace; the sink prefixes it. */
  add(name: string, type: MetricType, help: string, value: number, labels: Labels = {}, suffix?: Sample['suffix']): void {
    if (!Number.isFinite(value)) return;
    const fullName = `${this.namespace}_${name}`;
    let family = this.#families.get(fullName);
    if (family === undefined) {
      if (!metricNamePattern.test(fullName)) throw new Error(`invalid metric name ${fullName}`);
      if (type === 'counter' && !fullName.endsWith('_total')) throw new Error(`counter ${fullName} must end in _total`);
      family = { name: fullName, help, type, samples: [] };
      this.#families.set(fullName, family);
    } else if (family.type !== type || family.help !== help) {
      throw new Error(`metric ${fullName} added twice with different type or help`);
    }
    for (const key of Object.keys(labels)) {
      if (!labelNamePattern.test(key) || key.startsWith('__')) throw new Error(`invalid label name ${key} on ${fullName}`);
    }
    family.samples.push(suffix === undefined ? { labels, value } : { suffix, labels, value });
  }

  /** Adds a sample of a described metric; the label names must be exactly the descriptor's. */
  emit(descriptor: MetricDescriptor, value: number, labels: Labels = {}, suffix?: Sample['suffix']): void {
    const names = Object.keys(labels);
    const expected = descriptor.type === 'summary' && suffix === undefined ? [...descriptor.labels, 'quantile'] : descriptor.labels;
    if (names.length !== expected.length || !expected.every((name) => name in labels)) {
      throw new Error(`${descriptor.name} needs labels [${expected.join(', ')}], got [${names.join(', ')}]`);
    }
    this.add(descriptor.name, descriptor.type, descriptor.help, value, labels, suffix);
  }

  families(): MetricFamily[] {
    return [...this.#families.values()];
  }

  /** Moves everything into `target`; used to merge a collector's private sink only when it succeeded. */
  drainInto(target: MetricSink): void {
    for (const family of this.#families.values()) {
      for (const sample of family.samples) {
        target.add(family.name.slice(this.namespace.length + 1), family.type, family.help, sample.value, sample.labels, sample.suffix);
      }
    }
    this.#families.clear();
  }
}
