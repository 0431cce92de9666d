import type { AlertSpec } from '../../alert.ts';
import { node, type RespAlertContext } from './context.ts';

/** Cluster state. */
export function clusterAlerts({ engine, config, title, m, s }: RespAlertContext): AlertSpec[] {
  const alerts: AlertSpec[] = [];
  if (engine.cluster) {
    alerts.push({
      name: `${title}ClusterStateNotOk`,
      severity: 'critical',
      symptom: true,
      expr: `${m('cluster_state')} == 0`,
      for: config.for.down,
      summary: `${title} cluster state is not ok.`,
      description: `{{ $labels.instance }} reports cluster_state fail: some slots are not served.`,
      runbook: {
        meaning: 'CLUSTER INFO reports cluster_state:fail: hash slots are unassigned or their node is down, so some keys cannot be read or written.',
        confirm: '`CLUSTER INFO` (cluster_slots_fail, cluster_slots_pfail) and `CLUSTER NODES`.',
        action: 'Bring failed nodes back or fail over their slots; fix slot coverage (`valkey-cli --cluster fix`).',
      },
      cases: [
        {
          name: 'cluster failing',
          series: { [s('cluster_state')]: '1x2 0x3' },
          at: '4m',
          fires: [{ labels: node, description: 'a:9866 reports cluster_state fail: some slots are not served.' }],
        },
        { name: 'cluster ok', series: { [s('cluster_state')]: '1x5' }, at: '4m', fires: [] },
      ],
    });
  }
  return alerts;
}
