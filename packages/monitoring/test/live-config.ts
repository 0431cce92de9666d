import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type PrometheusHandle, waitFor } from '@keepwatch/testing';
import { defaultConfig, type MonitoringConfig, renderAlertFiles } from '../src/index.ts';

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
    if (!path.endsWith('.rules.yml')) continue;
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

export function eventuallyInState(prometheus: PrometheusHandle, name: string, state: 'firing' | 'inactive'): Promise<boolean> {
  return waitFor(
    `${name} ${state}`,
    async () => ((await ruleStates(prometheus)).find((rule) => rule.name === name)?.state === state ? true : undefined),
    600,
    100,
  );
}
