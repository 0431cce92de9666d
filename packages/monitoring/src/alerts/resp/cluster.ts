import type { AlertSpec } from '../../alert.ts';
import { node, type RespAlertContext } from './context.ts';

/** Cluster state, failing slots and failovers one after another (from CLUSTER INFO). */
export function clusterAlerts({ engine, config, ns, title, m, s }: RespAlertContext): AlertSpec[] {
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
    alerts.push(
      {
        name: `${title}ClusterSlotsFailing`,
        severity: 'critical',
        symptom: true,
        expr: `${m('cluster_slots_fail')} > 0`,
        for: config.for.down,
        summary: `${title} cluster has slots whose node has failed.`,
        description: '{{ $labels.instance }} sees {{ $value }} slots on a failed node.',
        runbook: {
          meaning: `\`${ns}_cluster_slots_fail\` counts hash slots whose node the cluster agreed has failed. With \`cluster-require-full-coverage no\` the cluster state stays ok, so this is the only alert that fires while those keys cannot be served.`,
          confirm: '`CLUSTER INFO` (cluster_slots_fail) and `CLUSTER NODES` (nodes flagged fail).',
          action:
            'Bring the node back or let its replica take over (`CLUSTER FAILOVER` on the replica); without a replica, restore the node or reassign its slots.',
        },
        cases: [
          {
            name: 'a failed primary',
            series: { [s('cluster_slots_fail')]: '0x2 5461x3' },
            at: '4m',
            fires: [{ labels: node, description: 'a:9866 sees 5461 slots on a failed node.' }],
          },
          { name: 'all slots served', series: { [s('cluster_slots_fail')]: '0x5' }, at: '4m', fires: [] },
        ],
      },
      {
        name: `${title}ClusterSlotsPossiblyFailing`,
        severity: 'warning',
        symptom: true,
        expr: `${m('cluster_slots_pfail')} > 0`,
        for: config.for.linkDown,
        summary: `${title} suspects a cluster node of failing.`,
        description: '{{ $labels.instance }} sees {{ $value }} slots on a node it cannot reach (pfail).',
        runbook: {
          meaning: `\`${ns}_cluster_slots_pfail\` counts slots whose node this node has not heard from within cluster-node-timeout. If a majority of primaries agree, the node becomes fail and its replica takes over.`,
          confirm: '`CLUSTER NODES` on several nodes: which node is flagged pfail, from where (a network partition shows on one side only).',
          action: 'Check the flagged node and the network between the nodes; a pfail that never becomes fail is often one node that cannot reach the others.',
        },
        cases: [
          {
            name: 'a node unreachable',
            series: { [s('cluster_slots_pfail')]: '0x2 5461x3' },
            at: '4m',
            fires: [{ labels: node, description: 'a:9866 sees 5461 slots on a node it cannot reach (pfail).' }],
          },
          { name: 'a blip shorter than for', series: { [s('cluster_slots_pfail')]: '0x3 5461 0' }, at: '5m', fires: [] },
        ],
      },
      {
        name: `${title}ClusterFlapping`,
        severity: 'warning',
        symptom: false,
        expr: `changes(${m('cluster_current_epoch')}[15m]) > 2`,
        for: '0m',
        summary: `${title} cluster keeps failing over.`,
        description: '{{ $labels.instance }}: the cluster epoch changed {{ $value }} times in 15 minutes.',
        runbook: {
          meaning: `Every failover and slot ownership change raises the cluster's current epoch (\`${ns}_cluster_current_epoch\`). More than two changes in 15 minutes is failovers one after another: nodes timing out under load, a flapping network, or a node restarting in a loop.`,
          confirm: '`CLUSTER NODES` (which primaries changed), the servers\' logs ("Failover election", "Marking node as failing"), the nodes\' restarts.',
          action: 'Find the node that keeps dropping out (its CPU, memory, network, restarts); raise cluster-node-timeout if busy nodes time out.',
        },
        cases: [
          {
            name: 'three failovers in a few minutes',
            series: { [s('cluster_current_epoch')]: '6x2 7 8 9x2' },
            at: '6m',
            fires: [{ labels: node, description: 'a:9866: the cluster epoch changed 3 times in 15 minutes.' }],
          },
          { name: 'one failover', series: { [s('cluster_current_epoch')]: '6x2 7x4' }, at: '6m', fires: [] },
        ],
      },
    );
  }
  return alerts;
}
