import type { AlertSpec } from './alert.ts';
import type { MonitoringConfig } from './config.ts';

/** Runbook file names: kebab-case of the alert name. */
export const runbookFile = (alert: AlertSpec) => `${alert.name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()}.md`;

export function annotations(alert: AlertSpec, config: MonitoringConfig, description: string) {
  return { summary: alert.summary, description, runbook_url: `${config.runbookBaseUrl}/${runbookFile(alert)}` };
}

/** `symptom: "true"` lets Alertmanager silence an alert while its target is down (alerts/alertmanager). */
export function labels(alert: AlertSpec, engine: string): Record<string, string> {
  return { severity: alert.severity, engine, ...(alert.symptom === true ? { symptom: 'true' } : {}) };
}
