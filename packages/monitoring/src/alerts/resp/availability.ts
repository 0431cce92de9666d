import type { AlertSpec } from '../../alert.ts';
import { node, type RespAlertContext } from './context.ts';

/** Whether the exporter can read the server at all; every symptom alert is inhibited while it cannot. */
export function availabilityAlerts({ engine, config, ns, title, m, s }: RespAlertContext): AlertSpec[] {
  return [
    {
      name: `${title}Down`,
      severity: 'critical',
      expr: `${m('up')} == 0`,
      for: config.for.down,
      summary: `${title} does not answer its exporter.`,
      description: `{{ $labels.instance }}: the exporter cannot read ${title} (connection refused, wrong credentials or timeout).`,
      runbook: {
        meaning: `The exporter is running and scraped, but its connection to ${title} failed: \`${ns}_up\` is 0. Every other ${title} alert of this instance is inhibited meanwhile.`,
        confirm: `Read the exporter's log: each failed scrape logs one line with a code (\`KW_ERR_TARGET_UNREACHABLE\`, \`KW_ERR_TARGET_AUTH\`, \`KW_ERR_TARGET_TIMEOUT\`). Try \`${engine.cli} -h <host> -p <port> PING\` from the exporter's network namespace.`,
        action:
          'Unreachable: check the server process, its port and the network path. Auth: check the user and password file the exporter reads. Timeout: the server is overloaded or blocked (a slow command, a fork); see its latency and slowlog.',
      },
      cases: [
        {
          name: 'down for longer than for',
          series: { [s('up')]: '1 1 0x5' },
          at: '5m',
          fires: [{ labels: node, description: `a:9866: the exporter cannot read ${title} (connection refused, wrong credentials or timeout).` }],
        },
        { name: 'a one-scrape blip', series: { [s('up')]: '1 0 1x5' }, at: '5m', fires: [] },
      ],
    },
  ];
}
