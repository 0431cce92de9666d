import type { AlertSpec } from '../../alert.ts';
import { node, type RespAlertContext } from './context.ts';

/**
 * What the Sentinels of a master say, one alert per master however many Sentinels report it (each is a
 * target of its own). Series only from exporters pointed at a Sentinel.
 */
export function sentinelAlerts({ engine, config, ns, title, m, s, t, w, group }: RespAlertContext): AlertSpec[] {
  if (!engine.sentinel) return [];
  const by = `by (${group}, master_name)`;
  const master = { job: 'db', master_name: 'mymaster' };
  const seen = (instance: string, address: string) => ({ ...node, instance, master_name: 'mymaster', master_address: address });
  return [
    {
      name: `${title}SentinelMasterDown`,
      severity: 'critical',
      symptom: true,
      expr: `max ${by} (${m('sentinel_master_status', 'master_status="odown"')} == 0) == 0`,
      for: config.for.sentinel,
      summary: `The Sentinels agree a ${title} master is down, and it has not been failed over.`,
      description: '{{ $labels.job }} {{ $labels.master_name }}: objectively down for longer than a failover takes.',
      runbook: {
        meaning: `Enough Sentinels agree the master is down (ODOWN, \`${ns}_sentinel_master_status{master_status="odown"}\`) and it is still the master after ${config.for.sentinel}: the failover that should have followed did not happen (no replica fit to promote, no majority of Sentinels to elect a leader, or the failover timed out). Writes fail.`,
        confirm: `\`${engine.cli} -p 26379 SENTINEL MASTER <name>\` (flags, failover-state), \`SENTINEL REPLICAS <name>\` (are any up, with a recent link?) and the Sentinels' logs (+sdown, +odown, +try-failover, -failover-abort-*).`,
        action:
          'Bring the master back or make a replica promotable (replica-priority not 0, link up); with a majority of Sentinels reachable, `SENTINEL FAILOVER <name>` forces one. Then check why it did not happen on its own.',
      },
      cases: [
        {
          name: 'two Sentinels see the master objectively down',
          series: {
            [s('sentinel_master_status', { ...seen('s1:9866', 'h:6379'), master_status: 'odown' })]: '0x10',
            [s('sentinel_master_status', { ...seen('s2:9866', 'h:6379'), master_status: 'odown' })]: '0x10',
          },
          at: '5m',
          fires: [{ labels: master, description: 'db mymaster: objectively down for longer than a failover takes.' }],
        },
        {
          name: 'down, then failed over to a replica',
          series: {
            [s('sentinel_master_status', { ...seen('s1:9866', 'h:6379'), master_status: 'odown' })]: '0 0 stale',
            [s('sentinel_master_status', { ...seen('s1:9866', 'r:6379'), master_status: 'ok' })]: '_ _ 1x10',
          },
          at: '5m',
          fires: [],
        },
      ],
    },
    {
      name: `${title}SentinelFailover`,
      severity: 'warning',
      symptom: false,
      expr: `max ${by} (changes(${m('sentinel_master_config_epoch')}[${w.burst}])) > 0`,
      for: '0m',
      summary: `A ${title} master was failed over to a replica.`,
      description: '{{ $labels.job }} {{ $labels.master_name }}: the Sentinels failed the master over in the last few minutes.',
      runbook: {
        meaning: `The master's configuration epoch (\`${ns}_sentinel_master_config_epoch\`) rose: the Sentinels promoted a replica. Clients that asked Sentinel for the master reconnect to the new one; writes acknowledged by the old master and not yet replicated are lost.`,
        confirm: `\`SENTINEL MASTER <name>\` (the new address) and the Sentinels' logs (+switch-master); \`${ns}_sentinel_master_status\` shows the old and new \`master_address\`.`,
        action:
          'Find why the old master was seen down (crash, restart, network, a long command or fork stall); check that clients followed, and that the old master rejoined as a replica.',
      },
      cases: [
        {
          name: 'the epoch rises',
          series: { [s('sentinel_master_config_epoch', { ...node, instance: 's1:9866', master_name: 'mymaster' })]: '0x5 1x5' },
          at: '7m',
          fires: [{ labels: master, description: 'db mymaster: the Sentinels failed the master over in the last few minutes.' }],
        },
        {
          name: 'a steady epoch',
          series: { [s('sentinel_master_config_epoch', { ...node, instance: 's1:9866', master_name: 'mymaster' })]: '3x10' },
          at: '7m',
          fires: [],
        },
      ],
    },
    {
      name: `${title}SentinelQuorumUnreachable`,
      severity: 'critical',
      symptom: false,
      expr: `max ${by} (${m('sentinel_master_ckquorum_ok')}) == 0`,
      for: config.for.sentinel,
      summary: `No ${title} Sentinel can reach the quorum to fail a master over.`,
      description: '{{ $labels.job }} {{ $labels.master_name }}: too few Sentinels are reachable to authorize a failover.',
      runbook: {
        meaning: `SENTINEL CKQUORUM fails on every Sentinel reporting (\`${ns}_sentinel_master_ckquorum_ok\`): fewer Sentinels are reachable than the quorum, or than a majority of those known. If the master fails now, nothing fails it over.`,
        confirm: `\`${engine.cli} -p 26379 SENTINEL CKQUORUM <name>\` says what is missing; \`SENTINEL SENTINELS <name>\` lists the others and their flags.`,
        action:
          'Restart or reconnect the missing Sentinels (at least three, on separate hosts); remove ones that are gone for good with SENTINEL RESET <name> on each remaining Sentinel.',
      },
      cases: [
        {
          name: 'every Sentinel fails CKQUORUM',
          series: {
            [s('sentinel_master_ckquorum_ok', seen('s1:9866', 'h:6379'))]: '0x10',
            [s('sentinel_master_ckquorum_ok', seen('s2:9866', 'h:6379'))]: '0x10',
          },
          at: '5m',
          fires: [{ labels: master, description: 'db mymaster: too few Sentinels are reachable to authorize a failover.' }],
        },
        {
          name: 'one isolated Sentinel fails it, the others pass',
          series: {
            [s('sentinel_master_ckquorum_ok', seen('s1:9866', 'h:6379'))]: '0x10',
            [s('sentinel_master_ckquorum_ok', seen('s2:9866', 'h:6379'))]: '1x10',
          },
          at: '5m',
          fires: [],
        },
      ],
    },
    {
      name: `${title}SentinelsTooFew`,
      severity: 'warning',
      symptom: false,
      expr: `max ${by} (${m('sentinel_master_ok_sentinels')}) < ${t.sentinelsMinimum}`,
      for: config.for.sentinel,
      summary: `A ${title} master has fewer than ${t.sentinelsMinimum} healthy Sentinels.`,
      description: '{{ $labels.job }} {{ $labels.master_name }}: {{ $value }} healthy Sentinels.',
      runbook: {
        meaning: `Fewer than ${t.sentinelsMinimum} Sentinels monitoring the master are up (\`${ns}_sentinel_master_ok_sentinels\`, as the best-connected Sentinel sees them). With fewer than three, losing one more leaves no majority, so a failed master is not failed over.`,
        confirm: '`SENTINEL SENTINELS <name>` on a Sentinel (flags s_down or o_down, last-ok-ping-reply).',
        action: 'Bring the missing Sentinels back, or add Sentinels on hosts that fail independently of the master and of each other.',
      },
      cases: [
        {
          name: 'two healthy Sentinels',
          series: { [s('sentinel_master_ok_sentinels', seen('s1:9866', 'h:6379'))]: '2x10' },
          at: '5m',
          fires: [{ labels: master, description: 'db mymaster: 2 healthy Sentinels.' }],
        },
        { name: 'three healthy Sentinels', series: { [s('sentinel_master_ok_sentinels', seen('s1:9866', 'h:6379'))]: '3x10' }, at: '5m', fires: [] },
      ],
    },
  ];
}
