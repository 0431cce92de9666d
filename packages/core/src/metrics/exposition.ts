import type { MetricFamily, Sample } from './family.ts';

export const prometheusContentType = 'text/plain; version=0.0.4; charset=utf-8';
export const openMetricsContentType = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

export function wantsOpenMetrics(accept: string | undefined): boolean {
  return accept?.includes('application/openmetrics-text') ?? false;
}

const needsHelpEscape = /[\\\n]/;
const needsLabelEscape = /[\\\n"]/;
const escapeHelp = (text: string) => (needsHelpEscape.test(text) ? text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n') : text);
const escapeLabel = (text: string) => (needsLabelEscape.test(text) ? text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"') : text);

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'Nan';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

function formatSample(name: string, sample: Sample): string {
  let labels = '';
  for (const key in sample.labels) labels += `${labels === '' ? '' : ','}${key}="${escapeLabel(sample.labels[key] as string)}"`;
  return labels === '' ? `${name} ${formatValue(sample.value)}\n` : `${name}{${labels}} ${formatValue(sample.value)}\n`;
}

/**
 * Prometheus text format 0.0.4, or OpenMetrics 1.0 (counter families named without `_total`, samples with
 * it, `# EOF`). Written directly rather than through prom-client's registry: formatting through it took
 * 1.4 ms of a 4.5 ms scrape (measured with bench/). A test checks that this output is byte-for-byte what
 * prom-client's registry prints for the same families, in both formats.
 */
export function renderExposition(families: readonly MetricFamily[], openMetrics: boolean): string {
  let out = '';
  for (const family of families) {
    const counter = openMetrics && family.type === 'counter';
    const familyName = counter ? family.name.replace(/_total$/, '') : family.name;
    const sampleName = counter ? `${familyName}_total` : familyName;
    if (out !== '' && !openMetrics) out += '\n';
    out += `# HELP ${familyName} ${escapeHelp(family.help)}\n# TYPE ${familyName} ${family.type}\n`;
    for (const sample of family.samples) out += formatSample(sample.metricName ?? sampleName, sample);
  }
  return openMetrics ? `${out}# EOF\n` : out;
}
