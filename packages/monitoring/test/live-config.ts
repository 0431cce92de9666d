import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type PrometheusHandle, waitFor } from '@keepwatch/testing';
import { dashboards, defaultConfig, type MonitoringConfig, renderAlertFiles } from '../src/index.ts';

/** The generated rules with short windows and `for` durations, so scenarios fire and resolve within seconds. */
export const liveConfig: MonitoringConfig = {
  ...defaultConfig,
  thresholds: { ...defaultConfig.thresholds, authFailures: 5, memoryWarningRatio: 0.5, connectionSpikeMinimum: 20 },
  windows: { ...defaultConfig.windows, burst: '15s', baseline: '20s', baselineOffset: '5s' },
  for: Object.fromEntries(Object.keys(defaultConfig.for).map((key) => [key, '2s'])) as unknown as MonitoringConfig['for'],
};

/** The rule files of `liveConfig` under `dir`; their absolute paths, for Prometheus. */
export function writeRuleFiles(dir: string): string[] {
  const ruleFiles: string[] = [];
  for (const [path, content] of renderAlertFiles(liveConfig)) {
    // alerts/loki holds LogQL rules, for Loki's ruler.
    if (!path.endsWith('.rules.yml') || path.startsWith('loki/')) continue;
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
    ruleFiles.push(join(dir, path));
  }
  return ruleFiles;
}

export interface RuleState {
  name: string;
  health: string;
  lastError?: string;
  state?: string;
}

export async function ruleStates(prometheus: PrometheusHandle): Promise<RuleState[]> {
  return (await prometheus.api<{ groups: { rules: RuleState[] }[] }>('rules')).groups.flatMap((group) => group.rules);
}

/** Once every named rule has evaluated without error: those pending or firing. */
export async function activeAfterEvaluation(prometheus: PrometheusHandle, names: readonly string[]): Promise<string[]> {
  const states = await waitFor(
    `${names.join(', ')} evaluated`,
    async () => {
      const found = (await ruleStates(prometheus)).filter((rule) => names.includes(rule.name));
      return found.length === names.length && found.every((rule) => rule.health === 'ok') ? found : undefined;
    },
    300,
    100,
  );
  return states.filter((rule) => rule.state !== 'inactive').map((rule) => rule.name);
}

export function eventuallyInState(prometheus: PrometheusHandle, name: string, state: 'firing' | 'inactive'): Promise<boolean> {
  return waitFor(
    `${name} ${state}`,
    async () => ((await ruleStates(prometheus)).find((rule) => rule.name === name)?.state === state ? true : undefined),
    600,
    100,
  );
}

/** A dashboard expression with every variable at All, as Grafana sends it, and $__rate_interval at 1m. */
export const allVariables = (expr: string) =>
  expr.replaceAll('$cluster', '.*').replaceAll('$namespace', '.*').replaceAll('$job', '.+').replaceAll('$instance', '.+').replaceAll('$__rate_interval', '1m');

export interface PanelQuery {
  readonly where: string;
  readonly expr: string;
}

/** Every query of the rows of the dashboards (all rows when `rows` is undefined). */
export function panelQueries(rows?: (title: string) => boolean): PanelQuery[] {
  return Object.entries(dashboards).flatMap(([name, dashboard]) =>
    dashboard.rows
      .filter((row) => rows?.(row.title) ?? true)
      .flatMap((row) => row.panels.flatMap((panel) => panel.targets.map((target) => ({ where: `${name} / ${panel.title}`, expr: target.expr })))),
  );
}

/** The queries still without a result after polling for up to 20 s (counters need two samples before rate()). */
export async function queriesWithoutData(prometheus: PrometheusHandle, queries: readonly PanelQuery[]): Promise<PanelQuery[]> {
  let empty = [...queries];
  for (let round = 0; round < 40 && empty.length > 0; round += 1) {
    const stillEmpty: PanelQuery[] = [];
    for (const query of empty) {
      const { result } = await prometheus.api<{ result: unknown[] }>(`query?query=${encodeURIComponent(allVariables(query.expr))}`);
      if (result.length === 0) stillEmpty.push(query);
    }
    empty = stillEmpty;
    if (empty.length > 0) await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return empty;
}
