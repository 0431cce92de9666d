import type { AlertSpec } from '../../alert.ts';
import { node, type RespAlertContext } from './context.ts';

/** Snapshots and AOF writes that fail. */
export function persistenceAlerts({ engine, config, title, m, s }: RespAlertContext): AlertSpec[] {
  return [
    {
      name: `${title}PersistenceFailing`,
      severity: 'warning',
      symptom: true,
      expr: engine.aof ? `${m('rdb_last_bgsave_status')} == 0 or ${m('aof_last_write_status')} == 0` : `${m('rdb_last_bgsave_status')} == 0`,
      for: config.for.persistence,
      summary: `${title} cannot persist its data.`,
      description: `{{ $labels.instance }}: the last ${engine.aof ? 'background save or AOF write' : 'snapshot'} failed.`,
      runbook: {
        meaning: `The last ${engine.aof ? 'RDB background save or AOF write' : 'snapshot'} failed: a restart now loses data${engine.aof ? ', and with stop-writes-on-bgsave-error writes are refused' : ''}.`,
        confirm: `\`INFO persistence\`${engine.aof ? ' (rdb_last_bgsave_status, aof_last_write_status)' : ''} and the server log (save failure events).`,
        action: 'Check disk space and permissions of the data directory, and memory for fork; then trigger a save and watch it succeed.',
      },
      cases: [
        {
          name: 'a failed save',
          series: { [s('rdb_last_bgsave_status')]: '1x2 0x4' },
          at: '5m',
          fires: [{ labels: node, description: `a:9866: the last ${engine.aof ? 'background save or AOF write' : 'snapshot'} failed.` }],
        },
        { name: 'saves succeed', series: { [s('rdb_last_bgsave_status')]: '1x6' }, at: '5m', fires: [] },
      ],
    },
  ];
}
