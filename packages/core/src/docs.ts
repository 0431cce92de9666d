import { buildInfo } from './bootstrap.ts';
import { describeRange, envVarFor, type FlagSpec } from './cli/flags.ts';
import { errorCatalogue } from './errors.ts';
import { httpRefusalsMetric } from './http/refusals.ts';
import type { ClassificationRule } from './logs/classifier.ts';
import type { MetricDescriptor } from './metrics/descriptor.ts';
import { processMetrics } from './metrics/process.ts';
import { connectionMetrics, engineMetrics } from './scrape/engine.ts';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
export const table = (head: string[], rows: string[][]) =>
  [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`)].join('\n');
export const code = (text: string) => `\`${text}\``;

export function flagTable(engine: string, specs: readonly FlagSpec[]): string {
  return table(
    ['Flag', 'Environment variable', 'Default', 'Description'],
    specs.map((spec) => {
      const flag = spec.kind === 'boolean' ? `--[no-]${spec.name}` : `--${spec.name}`;
      const fallback = spec.default === undefined ? '' : code(Array.isArray(spec.default) ? spec.default.join(',') : String(spec.default));
      const choices = spec.choices === undefined ? '' : ` One of ${spec.choices.map(code).join(', ')}.`;
      const range = spec.range === undefined ? '' : ` Range: ${describeRange(spec.range)}.`;
      const env = [envVarFor(engine, spec.name), ...(spec.envAliases ?? [])].map(code).join(' or ');
      return [code(flag), env, fallback, `${spec.help}${choices}${range}`];
    }),
  );
}

export function collectorTable(collectors: readonly { name: string; help: string; defaultEnabled: boolean }[]): string {
  return table(
    ['Collector', 'Default', 'What it reads'],
    collectors.map((collector) => [code(collector.name), collector.defaultEnabled ? 'enabled' : 'disabled', collector.help]),
  );
}

export function metricTable(namespace: string, metrics: readonly MetricDescriptor[]): string {
  return table(
    ['Metric', 'Type', 'Labels', 'Description'],
    metrics.map((metric) => [
      code(namespace === '' ? metric.name : `${namespace}_${metric.name}`),
      metric.type,
      metric.labels.map(code).join(', '),
      metric.help,
    ]),
  );
}

/** The exporter's own metrics: the namespaced health metrics every exporter has and the engine's `extra`, then the process metrics. */
export function exporterHealthSection(namespace: string, extra: readonly MetricDescriptor[] = []): string {
  return [
    '### Exporter health',
    metricTable(namespace, [...Object.values(engineMetrics), ...Object.values(connectionMetrics), buildInfo, httpRefusalsMetric, ...extra]),
    '### Exporter process',
    'On the telemetry path only, without the namespace, under the names Prometheus client libraries use:',
    metricTable('', Object.values(processMetrics)),
  ].join('\n\n');
}

export function logRuleTable(rules: readonly ClassificationRule[]): string {
  return table(
    ['Event', 'Severity', 'Log message pattern', 'Fields'],
    rules.map((rule) => [code(rule.event), rule.severity, code(rule.pattern.source), (rule.fields ?? []).map(code).join(', ')]),
  );
}

export function errorTable(): string {
  return table(
    ['Code', 'Meaning and fix'],
    Object.entries(errorCatalogue).map(([errorCode, text]) => [code(errorCode), text]),
  );
}

/**
 * Replaces the block between `<!-- generated:<name> -->` and `<!-- end generated:<name> -->`; the block
 * must already exist, so the hand-written text around it decides where generated text goes.
 */
export function replaceGeneratedBlock(text: string, name: string, content: string): string {
  const start = `<!-- generated:${name} -->`;
  const end = `<!-- end generated:${name} -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`generated block ${name} not found`);
  const banner = '<!-- Generated from the code by `pnpm run docs`; do not edit by hand. -->';
  return `${text.slice(0, from + start.length)}\n${banner}\n\n${content}\n\n${text.slice(to)}`;
}
