import type { Labels, MetricFamily } from './family.ts';

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

function formatLabels(labels: Labels): string {
  let text = '';
  for (const key in labels) text += `${text === '' ? '' : ','}${key}="${escapeLabel(labels[key] as string)}"`;
  return text;
}

/** `# HELP` and `# TYPE` lines per family and format: the same few hundred families come back every scrape. */
type Header = { readonly help: string; readonly type: string; readonly text: string };
const headers = { text: new Map<string, Header>(), openMetrics: new Map<string, Header>() };

function header(familyName: string, family: MetricFamily, openMetrics: boolean): string {
  const cache = openMetrics ? headers.openMetrics : headers.text;
  const cached = cache.get(familyName);
  if (cached !== undefined && cached.help === family.help && cached.type === family.type) return cached.text;
  const text = `# HELP ${familyName} ${escapeHelp(family.help)}\n# TYPE ${familyName} ${family.type}\n`;
  cache.set(familyName, { help: family.help, type: family.type, text });
  return text;
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
    const familyName = counter ? family.name.slice(0, -'_total'.length) : family.name;
    const sampleName = counter ? family.name : familyName;
    if (out !== '' && !openMetrics) out += '\n';
    out += header(familyName, family, openMetrics);
    for (const sample of family.samples) {
      const labels = formatLabels(sample.labels);
      out += `${sample.metricName ?? sampleName}${labels === '' ? ' ' : `{${labels}} `}${formatValue(sample.value)}\n`;
    }
  }
  return openMetrics ? `${out}# EOF\n` : out;
}
