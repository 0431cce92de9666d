import type { AlertSpec } from './alert.ts';
import { exporterAlerts } from './alerts/exporters.ts';
import { milvusAlerts } from './alerts/milvus.ts';
import { dragonflyEngine, redisEngine, respAlerts, valkeyEngine } from './alerts/resp/index.ts';
import { defaultConfig, type MonitoringConfig } from './config.ts';

/** Every rule file: its name (without extension) and alerts, in the order they are written. */
export function alertGroups(config: MonitoringConfig = defaultConfig): { readonly file: string; readonly engine: string; readonly alerts: AlertSpec[] }[] {
  return [
    { file: 'valkey', engine: 'valkey', alerts: respAlerts(valkeyEngine, config) },
    { file: 'redis', engine: 'redis', alerts: respAlerts(redisEngine, config) },
    { file: 'dragonfly', engine: 'dragonfly', alerts: respAlerts(dragonflyEngine, config) },
    { file: 'milvus', engine: 'milvus', alerts: milvusAlerts(config) },
    { file: 'exporters', engine: 'keepwatch', alerts: exporterAlerts(config) },
  ];
}
