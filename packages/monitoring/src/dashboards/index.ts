import { dragonflyEngine, redisEngine, valkeyEngine } from '../alerts/resp/index.ts';
import { milvusDashboard } from './milvus.ts';
import type { DashboardSpec } from './model.ts';
import { respDashboard } from './resp.ts';
import { securityDashboard } from './security.ts';

export { type DashboardSpec, renderDashboard, variableQueries } from './model.ts';

/** Every dashboard, by file name (without extension). */
export const dashboards: Readonly<Record<string, DashboardSpec>> = {
  valkey: respDashboard(valkeyEngine),
  redis: respDashboard(redisEngine),
  dragonfly: respDashboard(dragonflyEngine),
  milvus: milvusDashboard,
  security: securityDashboard,
};
