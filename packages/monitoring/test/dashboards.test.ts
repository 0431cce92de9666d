import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { dashboards, defaultConfig, renderDashboard, renderGrafanaFiles } from '../src/index.ts';
import { filesUnder } from './files.ts';

const grafanaDir = new URL('../../../grafana/', import.meta.url).pathname;

interface Variable {
  name: string;
  label?: string;
  type: string;
  query?: string | { query: string };
  datasource?: { uid: string };
  refresh?: number;
  multi?: boolean;
  allValue?: string;
}
interface Panel {
  type: string;
  title?: string;
  description?: string;
  datasource?: { uid: string };
  fieldConfig?: { defaults: { unit?: string } };
  targets?: { expr: string }[];
}

/** Units from Grafana's value-format registry that these dashboards may use (dashboard-linter's list is a superset). */
const validUnits = new Set(['bytes', 'decbytes', 'percentunit', 'percent', 's', 'ms', 'ops', 'reqps', 'short', 'none', 'bool', 'bool_yes_no', 'Bps']);
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, compared as text.
const templated = new Set(['$datasource', '${datasource}']);

/** The grafana/dashboard-linter rules (reference/conventions.md §5.6), as checks on one dashboard's JSON. */
function lint(dashboard: { editable: boolean; templating: { list: Variable[] }; panels: Panel[] }): string[] {
  const problems: string[] = [];
  const variables = dashboard.templating.list;
  const datasources = variables.filter((variable) => variable.type === 'datasource');
  if (datasources.length !== 1 || datasources[0]?.name !== 'datasource' || datasources[0].label !== 'Data source')
    problems.push('template-datasource-rule: one datasource variable named datasource, labelled "Data source"');
  for (const [name, label] of [
    ['job', 'Job'],
    ['instance', 'Instance'],
  ] as const) {
    const variable = variables.find((candidate) => candidate.name === name);
    if (
      variable === undefined ||
      variable.type !== 'query' ||
      !templated.has(variable.datasource?.uid ?? '') ||
      variable.label !== label ||
      variable.multi !== true ||
      variable.allValue !== '.+'
    )
      problems.push(`template-${name}-rule`);
  }
  for (const variable of variables.filter((candidate) => candidate.type === 'query')) {
    const query = typeof variable.query === 'string' ? variable.query : (variable.query?.query ?? '');
    if (!/^(label_names|label_values|metrics|query_result)\(.+\)$/.test(query)) problems.push(`template-label-promql-rule: ${variable.name}`);
    if (variable.refresh !== 2) problems.push(`template-on-time-change-reload-rule: ${variable.name}`);
  }
  if (dashboard.editable !== false) problems.push('uneditable-dashboard');
  for (const panel of dashboard.panels.filter((candidate) => candidate.type !== 'row')) {
    const where = `panel ${panel.title}`;
    if (!templated.has(panel.datasource?.uid ?? '')) problems.push(`panel-datasource-rule: ${where}`);
    if (!panel.title || !panel.description) problems.push(`panel-title-description-rule: ${where}`);
    if (!validUnits.has(panel.fieldConfig?.defaults.unit ?? '')) problems.push(`panel-units-rule: ${where}`);
    if ((panel.targets ?? []).length === 0) problems.push(`panel-no-targets-rule: ${where}`);
    for (const { expr } of panel.targets ?? []) problems.push(...lintTarget(expr).map((problem) => `${problem}: ${where}: ${expr}`));
  }
  return problems;
}

function lintTarget(expr: string): string[] {
  const problems: string[] = [];
  const ranges = [...expr.matchAll(/\[([^\]]*)\]/g)].map((match) => match[1]);
  if (ranges.some((range) => range !== '$__rate_interval')) problems.push('target-rate-interval-rule: a fixed range');
  if (ranges.length !== [...expr.matchAll(/\b(?:rate|irate|increase)\(/g)].length)
    problems.push('target-rate-interval-rule: a range outside rate/irate/increase');
  // Selectors: an optional metric name, then matchers; strings inside matchers never contain braces here.
  for (const match of expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)?\{([^}]*)\}(\[[^\]]*\])?/g)) {
    const [, name = '', matchers = '', range] = match;
    if (!matchers.includes('job=~"$job"')) problems.push('target-job-rule');
    if (!matchers.includes('instance=~"$instance"')) problems.push('target-instance-rule');
    const counter = name.endsWith('_total') || /__name__=~"[^"]*_total"/.test(matchers);
    if (counter && (range === undefined || !/\b(?:rate|irate|increase)\($/.test(expr.slice(0, match.index)))) problems.push('target-counter-agg-rule');
  }
  // A metric name with no matchers at all would escape both rules above.
  const outsideStrings = expr.replace(/"[^"]*"/g, '""');
  for (const bare of outsideStrings.matchAll(/\b(?:valkey|dragonfly|milvus)_[a-z0-9_]+\b(?!\{)/g)) problems.push(`target-job-rule: bare ${bare[0]}`);
  return problems;
}

describe('grafana/: dashboards generated from packages/monitoring', () => {
  const generated = renderGrafanaFiles();

  test('the committed files are what the source generates (run `pnpm run docs` after changing a dashboard)', () => {
    for (const [path, content] of generated) expect(readFileSync(join(grafanaDir, path), 'utf8'), path).toBe(content);
    expect(
      filesUnder(grafanaDir)
        .filter((path) => path !== 'README.md')
        .sort(),
    ).toEqual([...generated.keys()].sort());
  });

  test.each(Object.keys(dashboards))('%s passes every dashboard-linter rule', (name) => {
    expect(lint(JSON.parse(generated.get(`dashboards/${name}.json`) ?? '{}'))).toEqual([]);
  });

  test('the linter checks catch what they should', () => {
    const bad = renderDashboard({
      uid: 'x',
      title: 'x',
      description: 'x',
      tags: [],
      variableMetric: 'valkey_up',
      rows: [
        {
          title: 'r',
          panels: [
            { title: 'p', description: '', type: 'timeseries', unit: 'short', targets: [{ expr: 'rate(valkey_auth_failures_total{job=~"$job"}[5m])' }] },
            { title: 'q', description: 'd', type: 'timeseries', unit: 'short', targets: [{ expr: 'valkey_auth_failures_total' }] },
          ],
        },
      ],
    }) as unknown as Parameters<typeof lint>[0];
    expect(lint({ ...bad, editable: true }).map((problem) => problem.split(':')[0])).toEqual([
      'uneditable-dashboard',
      'panel-title-description-rule',
      'target-rate-interval-rule',
      'target-instance-rule',
      'target-job-rule',
    ]);
  });

  test('uids are stable and unique, titles unique, every dashboard read-only', () => {
    const parsed = Object.keys(dashboards).map((name) => JSON.parse(generated.get(`dashboards/${name}.json`) ?? '{}'));
    expect(new Set(parsed.map((dashboard) => dashboard.uid)).size).toBe(parsed.length);
    expect(new Set(parsed.map((dashboard) => dashboard.title)).size).toBe(parsed.length);
    for (const dashboard of parsed) expect(dashboard).toMatchObject({ id: null, editable: false, uid: expect.stringMatching(/^keepwatch-[a-z]+$/) });
  });

  test('provisioning YAML for dashboards and the data source', () => {
    const providers = parse(generated.get('provisioning/dashboards/keepwatch.yaml') ?? '');
    expect(providers).toMatchObject({ apiVersion: 1, providers: [{ name: 'keepwatch', type: 'file', allowUiUpdates: false }] });
    const sources = parse(generated.get('provisioning/datasources/prometheus.yaml') ?? '');
    expect(sources).toMatchObject({ apiVersion: 1, datasources: [{ type: 'prometheus', access: 'proxy' }] });
  });
});

describe("panel thresholds are the alerts' thresholds", () => {
  test("the memory ratio and replica lag panels draw defaultConfig's warning and critical values", () => {
    type Rendered = { panels: { title?: string; fieldConfig?: { defaults: { thresholds?: { steps: { value: number | null }[] } } } }[] };
    const steps = (dashboard: string, title: string) => {
      const spec = dashboards[dashboard];
      if (spec === undefined) throw new Error(`no dashboard ${dashboard}`);
      const panel = (renderDashboard(spec) as Rendered).panels.find((candidate) => candidate.title === title);
      return (panel?.fieldConfig?.defaults.thresholds?.steps ?? []).map((step) => step.value);
    };
    const t = defaultConfig.thresholds;
    for (const dashboard of ['valkey', 'redis', 'dragonfly']) {
      expect(steps(dashboard, 'Memory used of maxmemory'), dashboard).toEqual([null, t.memoryWarningRatio, t.memoryCriticalRatio]);
    }
    expect(steps('valkey', 'Replica lag')).toEqual([null, t.replicationLagBytes]);
    expect(steps('dragonfly', 'Replica lag')).toEqual([null, t.replicationLagRecords]);
  });
});
