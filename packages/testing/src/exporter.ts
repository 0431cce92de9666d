import { type ExporterDefinition, startExporter } from '@keepwatch/core/bootstrap';
import type { Collector } from '@keepwatch/core/scrape';

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface Metrics {
  readonly text: string;
  readonly samples: readonly Sample[];
  readonly types: ReadonlyMap<string, string>;
  /** The value of the one sample matching name and (a subset of) labels; undefined if none. */
  value(name: string, labels?: Record<string, string>): number | undefined;
  all(name: string): Sample[];
  /** Each collector's `<namespace>_exporter_collector_success` of this scrape, by collector name. */
  collectorSuccess(namespace: string): Record<string, number>;
}

/** What `collectorSuccess` is when every named collector ran and succeeded, and no other ran. */
export const allSucceeded = (collectors: readonly string[]): Record<string, number> => Object.fromEntries(collectors.map((name) => [name, 1]));

/** A small parser of the text exposition format, for assertions (promtool checks validity separately). */
export function parseMetrics(text: string): Metrics {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line.startsWith('# TYPE ')) {
      const [, , name, type] = line.split(' ');
      if (name !== undefined && type !== undefined) types.set(name, type);
      continue;
    }
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match === null) throw new Error(`unparsable exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[pair[1] as string] = (pair[2] as string).replace(/\\(.)/g, (_, char: string) => (char === 'n' ? '\n' : char));
    }
    samples.push({ name: match[1] as string, labels, value: Number(match[3]) });
  }
  const matching = (name: string, labels: Record<string, string> = {}) =>
    samples.filter((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value));
  return {
    text,
    samples,
    types,
    value(name, labels) {
      const found = matching(name, labels);
      if (found.length > 1) throw new Error(`${name} ${JSON.stringify(labels ?? {})} matches ${found.length} samples`);
      return found[0]?.value;
    },
    all: (name) => matching(name),
    collectorSuccess: (namespace) =>
      Object.fromEntries(matching(`${namespace}_exporter_collector_success`).map((sample) => [sample.labels.collector, sample.value])),
  };
}

export interface TestExporter {
  readonly url: string;
  readonly logs: string[];
  /** What the exporter wrote to stdout (--log.echo). */
  readonly stdout: string[];
  scrape(headers?: Record<string, string>): Promise<Metrics>;
  /** What SIGHUP does: takes --scrape.config-file again. */
  reload(): Promise<void>;
  close(): Promise<void>;
}

/** The real exporter, in-process, on a free loopback port; its log lines are kept for assertions. */
export async function startDefinitionExporter<Caps, Snapshot, C extends Collector<Caps, Snapshot>>(
  definition: ExporterDefinition<Caps, Snapshot, C>,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<TestExporter> {
  const logs: string[] = [];
  const stdout: string[] = [];
  const running = await startExporter(definition, {
    argv: ['--web.listen-address', '127.0.0.1:0', '--log.level', 'debug', ...args],
    env,
    logWrite: (line) => logs.push(line),
    stdout: (text) => stdout.push(text),
  });
  if (running === undefined) throw new Error('exporter printed help instead of starting');
  return {
    url: running.url,
    logs,
    stdout,
    async scrape(headers = {}) {
      const response = await fetch(`${running.url}/metrics`, { headers });
      if (response.status !== 200) throw new Error(`scrape returned HTTP ${response.status}: ${await response.text()}`);
      return parseMetrics(await response.text());
    },
    reload: () => running.reload(),
    close: () => running.close(),
  };
}
