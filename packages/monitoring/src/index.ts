export type { AlertCase, AlertSpec } from './alert.ts';
export { defaultConfig, type MonitoringConfig } from './config.ts';
export { renderGrafanaFiles } from './dashboards/files.ts';
export { type DashboardSpec, dashboards, renderDashboard, variableQueries } from './dashboards/index.ts';
export { alertGroups } from './groups.ts';
export { eventStreamLabels, eventsJob, renderLokiFiles } from './loki.ts';
export { renderAlertFiles } from './render.ts';
