import { gauge } from '@keepwatch/core/metrics';
import type { MilvusCollector } from '../snapshot.ts';

/** milvus.QuotaState values other than Unknown, each exported as 0 or 1. */
export const quotaStates = ['ReadLimited', 'WriteLimited', 'DenyToRead', 'DenyToWrite', 'DenyToDDL'] as const;

/** Reasons are free text from the server; a flood of them must not become a flood of series. */
const maxReasons = 10;

const metrics = {
  healthy: gauge('healthy', 'Whether Milvus reports itself healthy (CheckHealth isHealthy): 1 yes, 0 no.'),
  reasons: gauge('health_reasons', 'Reasons CheckHealth gives for being unhealthy.'),
  reason: gauge('health_reason_info', `One series per reason CheckHealth gives (the first ${maxReasons} in order); always 1.`, ['reason']),
  quota: gauge(
    'quota_state',
    'Whether a cluster quota state is active (CheckHealth quota_states): DenyToWrite and DenyToRead mean requests are rejected. Milvus 2.5 and 2.6 leave the list empty; see database_force_deny_*.',
    ['state'],
  ),
};

export const healthCollector: MilvusCollector = {
  name: 'health',
  help: 'Overall health, its reasons and quota states (CheckHealth).',
  defaultEnabled: true,
  metrics: Object.values(metrics),
  reads: ['health'],
  collect(snapshot, sink) {
    const health = snapshot.read('health');
    sink.emit(metrics.healthy, health.healthy ? 1 : 0);
    sink.emit(metrics.reasons, health.reasons.length);
    for (const reason of new Set(health.reasons.slice(0, maxReasons))) sink.emit(metrics.reason, 1, { reason });
    for (const state of quotaStates) sink.emit(metrics.quota, health.quotaStates.includes(state) ? 1 : 0, { state });
  },
};
