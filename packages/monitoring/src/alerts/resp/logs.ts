import type { AlertSpec } from '../../alert.ts';
import { node, type RespAlertContext } from './context.ts';

/** Events from the server log (--log.file) worth an alert. */
export function logsAlerts({ engine, title, m, s, w }: RespAlertContext): AlertSpec[] {
  const alerts: AlertSpec[] = [];
  for (const logEvent of engine.logEvents) {
    const events = logEvent.events.join('|');
    const [first] = logEvent.events;
    alerts.push({
      name: `${title}${logEvent.suffix}`,
      severity: logEvent.severity,
      expr: `sum without (event) (increase(${m('log_events_total', `event=~"${events}"`)}[${w.burst}])) > 0`,
      for: '0m',
      logEvents: { events: logEvent.events, window: w.burst, above: 0 },
      summary: `${title} ${logEvent.what.split(':')[0]}.`,
      description: `{{ $labels.instance }}: {{ $value | printf "%.0f" }} such log lines in ${w.burst}.`,
      runbook: {
        meaning: `The exporter follows the server log (--log.file) and the server ${logEvent.what}.`,
        confirm: 'The structured events (--log.events-output) carry the log line, its time and its fields; or read the server log around that time.',
        action: logEvent.action,
      },
      cases: [
        {
          name: 'one such line',
          series: { [s('log_events_total', { ...node, event: first ?? '' })]: '0x4 1x4' },
          at: '6m',
          fires: [{ labels: node, description: `a:9866: 1 such log lines in ${w.burst}.` }],
        },
        { name: 'none since the exporter started', series: { [s('log_events_total', { ...node, event: first ?? '' })]: '0x8' }, at: '6m', fires: [] },
      ],
    });
  }
  return alerts;
}
