import type { AlertSpec } from '../../alert.ts';
import { node, type RespAlertContext } from './context.ts';

/** Snapshots and AOF writes that fail. */
export function persistenceAlerts({ engine, config, ns, title, m, s, t }: RespAlertContext): AlertSpec[] {
  const hours = t.backupMaxAgeSeconds / 3600;
  // One sample a minute for the whole case: the threshold and the `for` after it.
  const samples = hours * 60 + 40;
  const backup = (changes: number, savePoints: number, saves: number) => ({
    [s('rdb_last_save_timestamp_seconds')]: `0x${samples}`,
    [s('rdb_changes_since_last_save')]: `${changes}x${samples}`,
    [s('config_save_points')]: `${savePoints}x${samples}`,
    [s('rdb_saves_total')]: `${saves}x${samples}`,
  });
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
    ...(engine.savePoints
      ? [
          {
            name: `${title}BackupTooOld`,
            severity: 'warning',
            symptom: false,
            expr: `time() - ${m('rdb_last_save_timestamp_seconds')} > ${t.backupMaxAgeSeconds} and ${m('rdb_changes_since_last_save')} > 0 and (${m('config_save_points')} > 0 or ${m('rdb_saves_total')} > 0)`,
            for: config.for.backup,
            summary: `${title} has not saved its changes for more than ${hours} hours.`,
            description: '{{ $labels.instance }}: the last successful RDB save was {{ $value | humanizeDuration }} ago, and there are changes since.',
            runbook: {
              meaning: `The server snapshots (it has save points, \`${ns}_config_save_points\`, or has saved since it started), has changes not on disk (\`${ns}_rdb_changes_since_last_save\`), and its last successful save (\`${ns}_rdb_last_save_timestamp_seconds\`) is more than ${hours} hours old. A restart now loses those changes, and the newest backup copied off the host is at least that old. A server without changes, or that never snapshots (a cache), does not fire.`,
              confirm:
                '`INFO persistence` (rdb_last_save_time, rdb_changes_since_last_save, rdb_bgsave_in_progress, rdb_last_bgsave_status) and `CONFIG GET save`.',
              action:
                'If saves fail, see PersistenceFailing; if none are attempted, check the save points (`CONFIG GET save`: a change at runtime is lost on restart unless CONFIG REWRITE) or the job that runs BGSAVE; then `BGSAVE` and watch rdb_last_save_time move.',
            },
            cases: [
              {
                name: 'save points, changes, and no save for longer than the threshold',
                series: backup(5, 3, 0),
                at: `${hours * 60 + 20}m`,
                fires: [{ labels: node, description: `a:9866: the last successful RDB save was ${hours}h 20m 0s ago, and there are changes since.` }],
              },
              {
                name: 'a cache that never snapshots',
                series: backup(5, 0, 0),
                at: `${hours * 60 + 20}m`,
                fires: [],
              },
              {
                name: 'no changes since the last save',
                series: backup(0, 3, 1),
                at: `${hours * 60 + 20}m`,
                fires: [],
              },
            ],
          } satisfies AlertSpec,
        ]
      : []),
  ];
}
