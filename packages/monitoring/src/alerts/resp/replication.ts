import type { AlertSpec } from '../../alert.ts';
import { node, type RespAlertContext } from './context.ts';

/** Links, replica counts, primaries per group and lag. */
export function replicationAlerts({ engine, config, title, m, s, t, w, group }: RespAlertContext): AlertSpec[] {
  const alerts: AlertSpec[] = [
    {
      name: `${title}ReplicationLinkDown`,
      severity: 'critical',
      symptom: true,
      expr: `${m('master_link_up')} == 0`,
      for: config.for.linkDown,
      summary: `A ${title} replica lost its primary.`,
      description: `{{ $labels.instance }}: the link to the primary is down; the replica serves stale data.`,
      runbook: {
        meaning: "A replica's link to its primary is down (`master_link_up` 0): the primary is gone, unreachable, or the replica cannot complete a sync.",
        confirm: "`INFO replication` on the replica (master_link_status, master_link_down_since_seconds) and the replica's log (replication events).",
        action:
          "Primary down: fail over or restart it. Network: check the path. Sync failing repeatedly: check the primary's client-output-buffer-limit for replicas and repl-timeout.",
      },
      cases: [
        {
          name: 'down for two minutes',
          series: { [s('master_link_up')]: '1x2 0x3' },
          at: '4m',
          fires: [{ labels: node, description: 'a:9866: the link to the primary is down; the replica serves stale data.' }],
        },
        { name: 'a replica that recovers within for', series: { [s('master_link_up')]: '1x2 0 1x2' }, at: '4m', fires: [] },
      ],
    },
    {
      name: `${title}ReplicaCountDropped`,
      severity: 'warning',
      symptom: true,
      expr: `${m('connected_slaves')} < max_over_time(${m('connected_slaves')}[${w.replicaHistory}])`,
      for: config.for.replicaCount,
      summary: `A ${title} primary has fewer replicas than before.`,
      description: `{{ $labels.instance }} has {{ $value | printf "%.0f" }} connected replicas, fewer than during the last ${w.replicaHistory}.`,
      runbook: {
        meaning: `A primary has fewer connected replicas than it had at some point in the last ${w.replicaHistory}: a replica is down or cannot connect. Removing a replica on purpose also fires this until the window passes.`,
        confirm: "`INFO replication` on the primary; the replicas' ReplicationLinkDown alerts and logs.",
        action: 'Bring the replica back or, if it was removed on purpose, silence the alert for the window.',
      },
      cases: [
        {
          name: 'one of two replicas gone',
          series: { [s('connected_slaves')]: '2x5 1x8' },
          at: '12m',
          fires: [{ labels: node, description: `a:9866 has 1 connected replicas, fewer than during the last ${w.replicaHistory}.` }],
        },
        { name: 'a replica that reconnects within for', series: { [s('connected_slaves')]: '2x5 1x2 2x6' }, at: '12m', fires: [] },
      ],
    },
    {
      name: `${title}NoPrimary`,
      severity: 'critical',
      expr: `sum by (${group}) (${m('instance_role', 'role="slave"')}) > 0 unless sum by (${group}) (${m('instance_role', 'role="master"')}) > 0`,
      for: config.for.primaries,
      summary: `A ${title} replication group has replicas but no primary.`,
      description: `{{ $labels.job }}: replicas are up but no instance is a primary.`,
      runbook: {
        meaning: `Within one replication group (instances sharing ${group}) replicas report in but no instance has the primary role: writes have nowhere to go.`,
        confirm: '`ROLE` on each instance; the Down alert of the former primary.',
        action:
          'Promote a replica (`REPLICAOF NO ONE` or your failover tooling), or restart the primary. If the group labels are wrong, set replicationGroupLabels in the alert configuration.',
      },
      cases: [
        {
          name: 'the primary stopped reporting',
          series: {
            [s('instance_role', { job: 'db', instance: 'a:9866', role: 'master' })]: '1x2 stale _x4',
            [s('instance_role', { job: 'db', instance: 'b:9866', role: 'slave' })]: '1x7',
          },
          at: '6m',
          fires: [{ labels: { job: 'db' }, description: 'db: replicas are up but no instance is a primary.' }],
        },
        {
          name: 'a primary and a replica',
          series: {
            [s('instance_role', { job: 'db', instance: 'a:9866', role: 'master' })]: '1x7',
            [s('instance_role', { job: 'db', instance: 'b:9866', role: 'slave' })]: '1x7',
          },
          at: '6m',
          fires: [],
        },
      ],
    },
    {
      name: `${title}MultiplePrimaries`,
      severity: 'critical',
      expr: `sum by (${group}) (${m('instance_role', 'role="master"')}) > 1 and on (${group}) sum by (${group}) (${m('instance_role', 'role="slave"')}) > 0`,
      for: config.for.primaries,
      summary: `A ${title} replication group has more than one primary.`,
      description: `{{ $labels.job }} has {{ $value | printf "%.0f" }} primaries: a split brain after a failover.`,
      runbook: {
        meaning: `More than one instance of a replication group (sharing ${group}) has the primary role while replicas exist: clients may write to both sides and lose writes.`,
        confirm: '`ROLE` on each instance and which one the clients and the replicas use.',
        action:
          'Demote the stale primary (`REPLICAOF <primary> <port>`), check the failover tooling. If the group labels are wrong (several independent primaries in one job), set replicationGroupLabels.',
      },
      cases: [
        {
          name: 'two primaries and a replica',
          series: {
            [s('instance_role', { job: 'db', instance: 'a:9866', role: 'master' })]: '1x7',
            [s('instance_role', { job: 'db', instance: 'b:9866', role: 'master' })]: '0 1x6',
            [s('instance_role', { job: 'db', instance: 'c:9866', role: 'slave' })]: '1x7',
          },
          at: '6m',
          fires: [{ labels: { job: 'db' }, description: 'db has 2 primaries: a split brain after a failover.' }],
        },
        {
          name: 'standalone primaries without replicas',
          series: {
            [s('instance_role', { job: 'db', instance: 'a:9866', role: 'master' })]: '1x7',
            [s('instance_role', { job: 'db', instance: 'b:9866', role: 'master' })]: '1x7',
          },
          at: '6m',
          fires: [],
        },
      ],
    },
  ];
  if (engine.lagBytes) {
    alerts.push({
      name: `${title}ReplicationLagBytes`,
      severity: 'warning',
      symptom: true,
      expr: `${m('connected_slave_lag_bytes')} > ${t.replicationLagBytes}`,
      for: config.for.lag,
      summary: `A ${title} replica is far behind its primary.`,
      description: `{{ $labels.instance }}: replica {{ $labels.slave_ip }}:{{ $labels.slave_port }} is {{ $value | humanize1024 }}B behind.`,
      runbook: {
        meaning: `The primary's replication offset is more than ${t.replicationLagBytes} bytes ahead of what a replica acknowledged.`,
        confirm: '`INFO replication` on the primary: slaveN offset against master_repl_offset.',
        action:
          "Check the replica's CPU and network, big writes on the primary, and that the backlog (repl-backlog-size) covers the lag, or a full resync follows.",
      },
      cases: [
        {
          name: '64 MiB behind for 5 minutes',
          series: { [s('connected_slave_lag_bytes', { ...node, slave_ip: '10.0.0.2', slave_port: '6379' })]: '0 67108864x6' },
          at: '6m',
          fires: [{ labels: { ...node, slave_ip: '10.0.0.2', slave_port: '6379' }, description: 'a:9866: replica 10.0.0.2:6379 is 64MiB behind.' }],
        },
        {
          name: 'a burst absorbed within for',
          series: { [s('connected_slave_lag_bytes', { ...node, slave_ip: '10.0.0.2', slave_port: '6379' })]: '0 67108864x2 0x4' },
          at: '6m',
          fires: [],
        },
      ],
    });
  }
  if (engine.lagRecords) {
    alerts.push({
      name: `${title}ReplicationLagRecords`,
      severity: 'warning',
      symptom: true,
      expr: `${m('connected_slave_lag_records')} > ${t.replicationLagRecords}`,
      for: config.for.lag,
      summary: `A ${title} replica is far behind its primary.`,
      description: `{{ $labels.instance }}: replica {{ $labels.slave_ip }}:{{ $labels.slave_port }} is {{ $value | printf "%.0f" }} journal records behind.`,
      runbook: {
        meaning: `A replica is more than ${t.replicationLagRecords} journal records behind the primary (INFO replication slaveN lag; ${title} reports no byte offsets per replica).`,
        confirm: '`INFO replication` on the primary (slaveN lag and state) and on the replica.',
        action: "Check the replica's CPU and network and heavy writes on the primary; a replica that cannot catch up falls back to a full sync.",
      },
      cases: [
        {
          name: 'a million records behind for 5 minutes',
          series: { [s('connected_slave_lag_records', { ...node, slave_ip: '10.0.0.2', slave_port: '6379' })]: '0 1000000x6' },
          at: '6m',
          fires: [
            { labels: { ...node, slave_ip: '10.0.0.2', slave_port: '6379' }, description: 'a:9866: replica 10.0.0.2:6379 is 1000000 journal records behind.' },
          ],
        },
        {
          name: 'a burst absorbed within for',
          series: { [s('connected_slave_lag_records', { ...node, slave_ip: '10.0.0.2', slave_port: '6379' })]: '0 1000000x2 0x4' },
          at: '6m',
          fires: [],
        },
      ],
    });
  }
  if (engine.lagSeconds) {
    alerts.push({
      name: `${title}ReplicationLagSeconds`,
      severity: 'warning',
      symptom: true,
      expr: `${m('connected_slave_lag_seconds')} > ${t.replicationLagSeconds}`,
      for: config.for.lag,
      summary: `A ${title} replica stopped acknowledging its primary.`,
      description: `{{ $labels.instance }}: replica {{ $labels.slave_ip }}:{{ $labels.slave_port }} last acknowledged {{ $value | humanizeDuration }} ago.`,
      runbook: {
        meaning: `A replica has not acknowledged the replication stream for more than ${t.replicationLagSeconds} s (INFO replication slaveN lag): it is stuck, overloaded or cut off.`,
        confirm: '`INFO replication` on the primary and on the replica.',
        action: 'Check the replica process and its link (ReplicationLinkDown on the replica), its CPU and disk.',
      },
      cases: [
        {
          name: 'two minutes without acknowledgement',
          series: { [s('connected_slave_lag_seconds', { ...node, slave_ip: '10.0.0.2', slave_port: '6379' })]: '0 120x6' },
          at: '6m',
          fires: [{ labels: { ...node, slave_ip: '10.0.0.2', slave_port: '6379' }, description: 'a:9866: replica 10.0.0.2:6379 last acknowledged 2m 0s ago.' }],
        },
        {
          name: 'a replica that catches up',
          series: { [s('connected_slave_lag_seconds', { ...node, slave_ip: '10.0.0.2', slave_port: '6379' })]: '0 120x2 0x4' },
          at: '6m',
          fires: [],
        },
      ],
    });
  }
  return alerts;
}
