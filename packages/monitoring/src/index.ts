export type { AlertCase, AlertSpec } from './alert.ts';
export { defaultConfig, type MonitoringConfig } from './config.ts';
export { alertGroups } from './groups.ts';
export { renderAlertFiles } from './render.ts';
