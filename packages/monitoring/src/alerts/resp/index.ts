import type { AlertSpec } from '../../alert.ts';
import type { MonitoringConfig } from '../../config.ts';
import { availabilityAlerts } from './availability.ts';
import { certificateAlerts } from './certificates.ts';
import { clusterAlerts } from './cluster.ts';
import { connectionsAlerts } from './connections.ts';
import { respAlertContext } from './context.ts';
import type { RespEngine } from './engines.ts';
import { keysAlerts } from './keys.ts';
import { latencyAlerts } from './latency.ts';
import { logsAlerts } from './logs.ts';
import { memoryAlerts } from './memory.ts';
import { persistenceAlerts } from './persistence.ts';
import { postureAlerts } from './posture.ts';
import { replicationAlerts } from './replication.ts';
import { securityAlerts } from './security.ts';
import { sentinelAlerts } from './sentinel.ts';

export { dragonflyEngine, type RespEngine, redisEngine, valkeyEngine } from './engines.ts';

/** The concerns, in the order their alerts are written; each is one file of this folder. */
const concerns = [
  availabilityAlerts,
  securityAlerts,
  certificateAlerts,
  postureAlerts,
  memoryAlerts,
  connectionsAlerts,
  replicationAlerts,
  sentinelAlerts,
  persistenceAlerts,
  latencyAlerts,
  clusterAlerts,
  keysAlerts,
  logsAlerts,
];

/** The alerts of one Redis-protocol engine. Every threshold, duration, selector and the metric prefix come from `config`. */
export function respAlerts(engine: RespEngine, config: MonitoringConfig): AlertSpec[] {
  const context = respAlertContext(engine, config);
  return concerns.flatMap((concern) => concern(context));
}
