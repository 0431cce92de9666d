import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parser as logql } from '@grafana/lezer-logql';
import { createEventWriter } from '@keepwatch/core/logs';
import { dragonflyExporter } from '@keepwatch/dragonfly-exporter';
import { milvusExporter } from '@keepwatch/milvus-exporter';
import { valkeyExporter } from '@keepwatch/valkey-exporter';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { alertGroups, defaultConfig, eventStreamLabels, eventsJob, renderLokiFiles } from '../src/index.ts';

const repo = new URL('../../../', import.meta.url).pathname;
const read = (path: string) => readFileSync(join(repo, path), 'utf8');
const engines = [valkeyExporter, dragonflyExporter, milvusExporter];
const eventsGlob = '/var/log/keepwatch/*.jsonl';

/** A LogQL expression's parse tree has no error node (Grafana's own LogQL grammar). */
function parsesAsLogql(expr: string): boolean {
  let errors = 0;
  logql.parse(expr).iterate({
    enter: (node) => {
      if (node.type.isError) errors += 1;
    },
  });
  return errors === 0;
}

/** Events as the exporters write them: the event writer of --log.events-output, fed a classified line. */
function realEvents(): Record<string, unknown>[] {
  const lines: string[] = [];
  const writer = createEventWriter({ output: '-', policy: 'hash', write: (line) => lines.push(line), instance: 'cache-0:6379', labels: { cluster: 'prod' } });
  for (const definition of engines) {
    const rule = definition.logs?.rules[0];
    if (rule === undefined) throw new Error(`${definition.name} has log rules`);
    writer.write(definition.engine, { level: 'warning', message: 'x', attributes: {}, timestamp: 1795445590.123 }, { rule, fields: { user: 'alice' } });
  }
  return lines.map((line) => JSON.parse(line));
}

describe('the LogQL rules of alerts/loki (for Loki’s ruler)', () => {
  const files = renderLokiFiles(defaultConfig);
  const rules = [...files.values()].flatMap(
    (text) => (parse(text) as { groups: { rules: { alert: string; expr: string; labels: Record<string, string> }[] }[] }).groups[0]?.rules ?? [],
  );

  test('are the files in the repository, and every expression is valid LogQL', () => {
    for (const [path, text] of files) expect(read(`alerts/${path}`)).toBe(text);
    expect(rules.length).toBeGreaterThanOrEqual(7);
    for (const rule of rules) expect(parsesAsLogql(rule.expr), rule.expr).toBe(true);
  });

  test('mirror the log-event alerts of the Prometheus rules: same names, severities and labels', () => {
    const withEvents = alertGroups(defaultConfig)
      .filter((group) => group.file !== 'redis')
      .flatMap((group) => group.alerts.filter((alert) => alert.logEvents !== undefined).map((alert) => [alert.name, alert.severity]));
    expect(rules.map((rule) => [rule.alert, rule.labels.severity])).toEqual(withEvents);
  });

  test('select only the stream labels the shippers set, with engines and events the exporters write', () => {
    const knownEvents = new Map(engines.map((definition) => [definition.engine, new Set(definition.logs?.rules.map((rule) => rule.event))]));
    for (const rule of rules) {
      const selector = /\{([^}]*)\}/.exec(rule.expr)?.[1] ?? '';
      const matchers = Object.fromEntries([...selector.matchAll(/(\w+)="([^"]*)"/g)].map((match) => [match[1], match[2]]));
      expect(Object.keys(matchers).every((label) => (eventStreamLabels as readonly string[]).includes(label))).toBe(true);
      expect(matchers.job).toBe(eventsJob);
      const events = /\| event=~?"([^"]+)"/.exec(rule.expr)?.[1]?.split('|') ?? [];
      expect(events.length).toBeGreaterThan(0);
      for (const event of events) expect(knownEvents.get(matchers.engine as string)?.has(event), `${rule.alert}: ${event}`).toBe(true);
    }
  });

  test('read fields the events carry: event, and the fields they group by', () => {
    const events = realEvents();
    for (const event of events) expect(Object.keys(event)).toEqual(expect.arrayContaining(['timestamp', 'engine', 'instance', 'severity', 'event', 'fields']));
    expect(events.map((event) => event.engine)).toEqual(['valkey', 'dragonfly', 'milvus']);
    for (const rule of rules)
      for (const [, field] of rule.expr.matchAll(/="fields\.(\w+)"/g))
        expect(events.every((event) => typeof (event.fields as Record<string, unknown>)[field as string] === 'string')).toBe(true);
  });
});

/**
 * Alloy's configuration syntax, checked structurally (Alloy itself cannot be installed here): comments and
 * strings, blocks `name "label" { ... }` balanced, `attribute = value` lines, and every component reference
 * (`loki.process.x.receiver`) naming a block of the file.
 */
function parseAlloy(text: string) {
  const withoutComments = text.replace(/\/\/.*$/gm, '');
  const components = new Map<string, Record<string, string>>();
  const stack: string[] = [];
  for (const line of withoutComments.split('\n').map((raw) => raw.trim())) {
    if (line === '') continue;
    const open = /^([a-z_][a-z0-9_.]*)(?: "([^"]+)")? \{$/.exec(line);
    if (open !== null) {
      const name = open[2] === undefined ? open[1] : `${open[1]}.${open[2]}`;
      if (stack.length === 0) {
        if (open[2] === undefined) throw new Error(`top-level block ${open[1]} without a label`);
        components.set(name as string, {});
      }
      stack.push(name as string);
      continue;
    }
    if (line === '}') {
      if (stack.pop() === undefined) throw new Error('unbalanced }');
      continue;
    }
    const attribute = /^([a-z_][a-z0-9_]*)\s*=\s*(.+)$/.exec(line);
    if (attribute === null || stack.length === 0) throw new Error(`not an attribute inside a block: ${line}`);
    const component = components.get(stack[0] as string) as Record<string, string>;
    component[`${stack.slice(1).join('/')}${stack.length > 1 ? '/' : ''}${attribute[1]}`] = attribute[2] as string;
  }
  if (stack.length > 0) throw new Error(`unclosed block ${stack.join(' > ')}`);
  for (const [name, attributes] of components)
    for (const value of Object.values(attributes))
      for (const [, referenced] of value.matchAll(/\b((?:loki|local|discovery)\.[a-z_]+\.[a-z_]+)\.(?:receiver|targets|output)\b/g))
        if (!components.has(referenced as string)) throw new Error(`${name} refers to ${referenced}, which the file does not declare`);
  return components;
}

/** An Alloy string literal's value (its escapes are JSON's for these files). */
const alloyString = (literal: string) => JSON.parse(literal) as string;

describe('the shipper configurations of deploy/logs', () => {
  const events = realEvents().map((event) => JSON.stringify(event));
  const valkeyLine = '7659:M 23 Nov 2026 14:53:05.335 # Connection with primary lost.';
  const exporterLogLine = '{"level":"warn","time":"2026-12-03T03:50:00.000Z","msg":"scrape failed","target":"cache-0:6379"}';

  test('Grafana Alloy: blocks balanced and every reference declared; the job, labels and timestamp the rules and events use; only events pass the filter', () => {
    const alloy = parseAlloy(read('deploy/logs/keepwatch-events.alloy'));
    expect([...alloy.keys()]).toContain('loki.write.default');
    const process = alloy.get('loki.process.keepwatch_events') as Record<string, string>;
    expect(process['stage.static_labels/values']).toBe(`{job = "${eventsJob}"}`);
    expect(process['stage.labels/values']).toBe(
      `{${eventStreamLabels
        .filter((label) => label !== 'job')
        .map((label) => `${label} = ""`)
        .join(', ')}}`,
    );
    expect(alloyString(alloy.get('local.file_match.keepwatch_files')?.path_targets?.match(/"__path__" = ("[^"]+")/)?.[1] ?? '""')).toBe(eventsGlob);
    const selector = alloyString(process['stage.match/selector'] as string);
    expect(parsesAsLogql(selector), selector).toBe(true);
    // The selector drops lines matching neither; its regex (a LogQL string) is what a line must contain to stay.
    const kept = new RegExp(JSON.parse(/!~ (".*")$/.exec(selector)?.[1] ?? '""'));
    for (const event of events) expect(kept.test(event)).toBe(true);
    for (const other of [valkeyLine, exporterLogLine]) expect(kept.test(other)).toBe(false);
    expect(process['stage.timestamp/source']).toBe('"timestamp"');
    for (const event of events) expect(JSON.parse(event).timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  });

  test('Vector: every input declared; Loki labels are the stream labels, templated from event keys; the same files', () => {
    const vector = parse(read('deploy/logs/keepwatch-events.vector.yaml')) as Record<string, Record<string, Record<string, unknown>>>;
    const declared = new Set([...Object.keys(vector.sources ?? {}), ...Object.keys(vector.transforms ?? {})]);
    for (const section of ['transforms', 'sinks'])
      for (const [name, component] of Object.entries(vector[section] ?? {}))
        for (const input of component.inputs as string[]) expect(declared.has(input), `${name} <- ${input}`).toBe(true);
    const loki = vector.sinks?.loki as { labels: Record<string, string> };
    expect(Object.keys(loki.labels).sort()).toEqual([...eventStreamLabels].sort());
    expect(loki.labels.job).toBe(eventsJob);
    const sample = JSON.parse(events[0] as string) as Record<string, unknown>;
    for (const [label, template] of Object.entries(loki.labels))
      if (label !== 'job') expect(typeof sample[/\{\{ (\w+) \}\}/.exec(template)?.[1] as string]).toBe('string');
    expect(vector.sources?.keepwatch_files?.include).toEqual([eventsGlob]);
    expect(String(vector.transforms?.keepwatch_events?.source)).toContain('if !is_string(parsed.event) { abort }');
  });

  test('Fluent Bit: parsers declared, the timestamp format reads the events’ timestamps, only records with an event pass, the same files', () => {
    const fluentBit = parse(read('deploy/logs/keepwatch-events.fluent-bit.yaml')) as {
      parsers: { name: string; time_format: string }[];
      pipeline: { inputs: Record<string, string>[]; filters: Record<string, string>[] };
    };
    const parsers = new Set(fluentBit.parsers.map((entry) => entry.name));
    for (const stage of [...fluentBit.pipeline.inputs, ...fluentBit.pipeline.filters])
      if (stage.parser !== undefined) expect(parsers.has(stage.parser)).toBe(true);
    expect(fluentBit.pipeline.inputs[0]?.path).toBe(eventsGlob);
    // strptime with Fluent Bit's %L (fractional seconds) as a pattern.
    const format = fluentBit.parsers[0]?.time_format ?? '';
    const pattern = new RegExp(
      `^${format
        .replace('%Y', '\\d{4}')
        .replace(/%[mdHMS]/g, '\\d\\d')
        .replace('%L', '\\d+')}$`,
    );
    for (const event of events) expect(JSON.parse(event).timestamp).toMatch(pattern);
    const grep = fluentBit.pipeline.filters.find((filter) => filter.name === 'grep');
    expect(grep?.regex).toBe('event .+');
  });
});
