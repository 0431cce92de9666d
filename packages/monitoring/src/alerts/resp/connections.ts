import type { AlertSpec } from '../../alert.ts';
import { node, type RespAlertContext } from './context.ts';

/** Connection floods and the maxclients ceiling. */
export function connectionsAlerts({ engine, config, title, m, s, t, w }: RespAlertContext): AlertSpec[] {
  const alerts: AlertSpec[] = [
    {
      name: `${title}ConnectionSpike`,
      severity: 'warning',
      symptom: true,
      expr: `${m('connected_clients')} > ${t.connectionSpikeFactor} * avg_over_time(${m('connected_clients')}[${w.baseline}] offset ${w.baselineOffset}) and ${m('connected_clients')} > ${t.connectionSpikeMinimum}`,
      for: config.for.connectionSpike,
      summary: `${title} has far more client connections than usual.`,
      description: `{{ $labels.instance }} has {{ $value | printf "%.0f" }} clients, over ${t.connectionSpikeFactor} times its average of the previous ${w.baseline}.`,
      runbook: {
        meaning: `Connected clients are above ${t.connectionSpikeFactor}x this instance's own average over ${w.baseline} (ending ${w.baselineOffset} ago) and above ${t.connectionSpikeMinimum}: a connection leak, a reconnect storm after a failover, or a connection flood.`,
        confirm: '`CLIENT LIST` grouped by addr and name shows who opened them; `INFO stats` total_connections_received shows the rate.',
        action:
          'A leaking or storming application: fix its pool settings. An unknown source: block it. Meanwhile make sure maxclients and the file-descriptor limit leave headroom.',
      },
      cases: [
        {
          name: 'a flood from 20 to 200 clients',
          series: { [s('connected_clients')]: '20x80 200x9' },
          at: '85m',
          fires: [{ labels: node, description: `a:9866 has 200 clients, over ${t.connectionSpikeFactor} times its average of the previous ${w.baseline}.` }],
        },
        { name: 'steady growth over hours is the new normal', series: { [s('connected_clients')]: '20+2x89' }, at: '85m', fires: [] },
        { name: 'a one-minute blip', series: { [s('connected_clients')]: '20x80 200 20x8' }, at: '85m', fires: [] },
      ],
    },
    {
      name: `${title}ConnectionsNearMaxclients`,
      severity: 'warning',
      symptom: true,
      expr: `${m('connected_clients')} / ${m('max_clients')} > ${t.connectionsNearMaxRatio}`,
      for: config.for.connectionsNearMax,
      summary: `${title} is close to maxclients.`,
      description: `{{ $labels.instance }} uses {{ $value | humanizePercentage }} of maxclients.`,
      runbook: {
        meaning: `Connected clients are above ${t.connectionsNearMaxRatio * 100}% of maxclients; beyond it new connections are refused.`,
        confirm: '`INFO clients` (connected_clients, maxclients) and `CLIENT LIST`.',
        action: 'Find who holds the connections (pools too large, leaks); raise maxclients only with the file-descriptor limit.',
      },
      cases: [
        {
          name: '900 of 1000',
          series: { [s('connected_clients')]: '900x8', [s('max_clients')]: '1000x8' },
          at: '8m',
          fires: [{ labels: node, description: 'a:9866 uses 90% of maxclients.' }],
        },
        { name: '100 of 1000', series: { [s('connected_clients')]: '100x8', [s('max_clients')]: '1000x8' }, at: '8m', fires: [] },
      ],
    },
  ];
  if (engine.rejectedConnections) {
    alerts.push({
      name: `${title}RejectedConnections`,
      severity: 'warning',
      symptom: true,
      expr: `increase(${m('rejected_connections_total')}[${w.burst}]) > 0`,
      for: '0m',
      summary: `${title} refused client connections (maxclients reached).`,
      description: `{{ $labels.instance }} refused {{ $value | printf "%.0f" }} connections in ${w.burst}.`,
      runbook: {
        meaning: 'New connections were refused because maxclients was reached: clients see errors.',
        confirm: '`INFO stats` rejected_connections, `INFO clients`.',
        action: 'See ConnectionsNearMaxclients: find who holds the connections; raise maxclients with the file-descriptor limit.',
      },
      cases: [
        {
          name: 'three refused',
          series: { [s('rejected_connections_total')]: '0x4 3x4' },
          at: '6m',
          fires: [{ labels: node, description: `a:9866 refused 3 connections in ${w.burst}.` }],
        },
        { name: 'none refused since start', series: { [s('rejected_connections_total')]: '12x8' }, at: '6m', fires: [] },
      ],
    });
  }
  return alerts;
}
