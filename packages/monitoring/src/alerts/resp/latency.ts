import type { AlertSpec } from '../../alert.ts';
import { node, type RespAlertContext } from './context.ts';

/** Command latency percentiles. */
export function latencyAlerts({ engine, config, title, m, s, t }: RespAlertContext): AlertSpec[] {
  return [
    {
      name: `${title}LatencyP99High`,
      severity: 'warning',
      symptom: true,
      expr: `${m('latency_percentiles_seconds', 'quantile="0.99"')} > ${t.latencyP99Seconds}`,
      for: config.for.latency,
      summary: `${title} commands are slow at the 99th percentile.`,
      description: `{{ $labels.instance }}: {{ $labels.cmd }} p99 is {{ $value | humanizeDuration }}.`,
      runbook: {
        meaning: `The server's own p99 latency of a command (INFO latencystats) is above ${t.latencyP99Seconds} s. The server computes it since startup or CONFIG RESETSTAT, so it moves slowly and stays high after the cause is gone until a reset.${engine.latencyPrerequisite === undefined ? '' : ` ${engine.latencyPrerequisite}`}`,
        confirm: '`SLOWLOG GET`, `LATENCY LATEST`, `INFO commandstats` for the command; CPU and fork activity.',
        action:
          'Find the slow calls (big keys, O(N) commands like KEYS or SMEMBERS on large sets, Lua scripts) and fix them; `CONFIG RESETSTAT` restarts the percentiles.',
      },
      cases: [
        {
          name: 'GET p99 at 120 ms',
          series: { [s('latency_percentiles_seconds', { ...node, cmd: 'get', quantile: '0.99' })]: '0.001x2 0.12x12' },
          at: '13m',
          fires: [{ labels: { ...node, cmd: 'get', quantile: '0.99' }, description: 'a:9866: get p99 is 120ms.' }],
        },
        {
          name: 'a slow p99.9 alone',
          series: { [s('latency_percentiles_seconds', { ...node, cmd: 'get', quantile: '0.999' })]: '0.5x14' },
          at: '13m',
          fires: [],
        },
      ],
    },
  ];
}
