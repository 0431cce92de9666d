/**
 * A small typed builder for Grafana dashboard JSON (schema of Grafana 10-12), covering exactly what the
 * keepwatch dashboards use, in the provisioning-safe style the dashboard linter requires: a `datasource`
 * variable, chained `job` and `instance` query variables, every panel on `${datasource}`, read-only.
 */

export type Unit = 'bytes' | 'percentunit' | 's' | 'ops' | 'short' | 'bool_yes_no' | 'none';

export interface PanelSpec {
  readonly title: string;
  readonly description: string;
  readonly type: 'timeseries' | 'stat';
  readonly unit: Unit;
  /** PromQL with `$job`, `$instance` and `$__rate_interval`; `legend` is Grafana's legendFormat. */
  readonly targets: readonly { readonly expr: string; readonly legend?: string }[];
  /** Grid width out of 24 (default 12). */
  readonly width?: number;
  /** Where the value turns bad, drawn as lines: the alerts' own thresholds, from the monitoring config. */
  readonly thresholds?: { readonly warning: number; readonly critical?: number };
}

export interface RowSpec {
  readonly title: string;
  readonly panels: readonly PanelSpec[];
}

export interface DashboardSpec {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly tags: readonly string[];
  /** The series whose `job` and `instance` labels fill the variables: a metric name (`valkey_up`) or a selector (`{__name__=~"..."}`). */
  readonly variableMetric: string;
  readonly rows: readonly RowSpec[];
}

function thresholdsConfig({ warning, critical }: NonNullable<PanelSpec['thresholds']>) {
  const steps = [{ color: 'green', value: null }, { color: 'orange', value: warning }, ...(critical === undefined ? [] : [{ color: 'red', value: critical }])];
  return { thresholds: { mode: 'absolute', steps }, custom: { thresholdsStyle: { mode: 'line' } } };
}

/**
 * The matchers every selector carries: `cluster` and `namespace` for a Prometheus that holds several (their
 * All matches series without the label too), and the linter's target-job and target-instance rules.
 */
export const scope = 'cluster=~"$cluster", namespace=~"$namespace", job=~"$job", instance=~"$instance"';

/** `metric{job=~"$job", instance=~"$instance", extra}`. */
export const sel = (metric: string, extra = '') => `${metric}{${scope}${extra === '' ? '' : `, ${extra}`}}`;

// Grafana's own variable syntax, not a template literal.
// biome-ignore lint/suspicious/noTemplateCurlyInString: the literal text ${datasource} is what Grafana resolves.
const datasource = { type: 'prometheus', uid: '${datasource}' } as const;
const panelHeight = 8;

type VariableName = 'cluster' | 'namespace' | 'job' | 'instance';

/** Variables in order; each narrows the next. `cluster` and `namespace` may be absent from every series. */
const variables: readonly { readonly name: VariableName; readonly label: string; readonly allValue: string }[] = [
  { name: 'cluster', label: 'Cluster', allValue: '.*' },
  { name: 'namespace', label: 'Namespace', allValue: '.*' },
  { name: 'job', label: 'Job', allValue: '.+' },
  { name: 'instance', label: 'Instance', allValue: '.+' },
];

function queryVariable(name: VariableName, label: string, query: string, allValue: string) {
  return {
    name,
    label,
    type: 'query',
    datasource,
    definition: query,
    query: { query, refId: `${name}-variable` },
    refresh: 2,
    multi: true,
    includeAll: true,
    allValue,
    current: { selected: true, text: ['All'], value: ['$__all'] },
    sort: 1,
  };
}

/** `selector` narrowed by one more matcher: `up` -> `up{m}`, `{a="b"}` -> `{a="b", m}`. */
export function withMatcher(selector: string, matcher: string): string {
  return selector.endsWith('}') ? `${selector.slice(0, -1)}, ${matcher}}` : `${selector}{${matcher}}`;
}

/** Grafana's variable queries; each is `label_values(<series selector narrowed by the variables before it>, <label>)`. */
export function variableQueries(spec: Pick<DashboardSpec, 'variableMetric'>): Readonly<Record<VariableName, string>> {
  const queries = {} as Record<VariableName, string>;
  for (const [index, { name }] of variables.entries()) {
    const before = variables.slice(0, index).map((variable) => `${variable.name}=~"$${variable.name}"`);
    queries[name] = `label_values(${before.length === 0 ? spec.variableMetric : withMatcher(spec.variableMetric, before.join(', '))}, ${name})`;
  }
  return queries;
}

/** The dashboard JSON, deterministic (stable ids and grid positions) so the committed file can be diffed. */
export function renderDashboard(spec: DashboardSpec): Record<string, unknown> {
  const panels: Record<string, unknown>[] = [];
  let id = 1;
  let y = 0;
  for (const row of spec.rows) {
    panels.push({ id: id++, type: 'row', title: row.title, collapsed: false, gridPos: { h: 1, w: 24, x: 0, y }, panels: [] });
    y += 1;
    let x = 0;
    for (const panel of row.panels) {
      const width = panel.width ?? 12;
      if (x + width > 24) {
        x = 0;
        y += panelHeight;
      }
      panels.push({
        id: id++,
        type: panel.type,
        title: panel.title,
        description: panel.description,
        datasource,
        gridPos: { h: panelHeight, w: width, x, y },
        fieldConfig: {
          defaults: {
            unit: panel.unit,
            ...(panel.unit === 'percentunit' ? { min: 0, max: 1 } : {}),
            ...(panel.thresholds === undefined ? {} : thresholdsConfig(panel.thresholds)),
          },
          overrides: [],
        },
        options:
          panel.type === 'stat'
            ? { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, colorMode: 'value' }
            : { legend: { displayMode: 'list', placement: 'bottom' } },
        targets: panel.targets.map((target, index) => ({
          datasource,
          refId: String.fromCharCode(65 + index),
          expr: target.expr,
          ...(target.legend === undefined ? {} : { legendFormat: target.legend }),
        })),
      });
      x += width;
    }
    y += panelHeight;
  }
  return {
    id: null,
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    tags: spec.tags,
    editable: false,
    graphTooltip: 1,
    schemaVersion: 39,
    time: { from: 'now-6h', to: 'now' },
    refresh: '1m',
    timezone: 'browser',
    templating: {
      list: [
        { name: 'datasource', label: 'Data source', type: 'datasource', query: 'prometheus', current: {}, hide: 0, refresh: 1 },
        ...variables.map((variable) => queryVariable(variable.name, variable.label, variableQueries(spec)[variable.name], variable.allValue)),
      ],
    },
    annotations: { list: [] },
    panels,
  };
}
