import type { AlertSpec } from './alert.ts';
import type { MonitoringConfig } from './config.ts';
import { generatedYaml } from './generated.ts';
import { alertGroups } from './groups.ts';
import { annotations, labels } from './rule-parts.ts';

/**
 * The stream labels the shipper configs of deploy/logs/ give the events of --log.events-output: a fixed job,
 * and the event's engine and instance (the server), which stay few. Everything else stays in the JSON line.
 */
export const eventStreamLabels = ['job', 'engine', 'instance', 'severity'] as const;
export const eventsJob = 'keepwatch-events';

/**
 * The events' `engine` is the exporter's engine: valkey-exporter says `valkey` for Redis servers too, so the
 * Loki rules are per exporter, and the redis rule file has no counterpart.
 */
const lokiFiles = ['valkey', 'dragonfly', 'milvus'];

/** LogQL: the events of those names per server (and fields) within the window, above the threshold. */
function logqlExpr(engine: string, spec: NonNullable<AlertSpec['logEvents']>): string {
  const by = spec.by ?? [];
  const extract = ['event="event"', ...by.map((field) => `${field}="fields.${field}"`)].join(', ');
  const events = spec.events.length === 1 ? `event="${spec.events[0]}"` : `event=~"${spec.events.join('|')}"`;
  return `sum by (${['instance', ...by].join(', ')}) (count_over_time({job="${eventsJob}", engine="${engine}"} | json ${extract} | ${events} [${spec.window}])) > ${spec.above}`;
}

/** alerts/loki/<file>.rules.yml: the log-event alerts as Loki ruler groups, same names, labels and annotations. */
export function renderLokiFiles(config: MonitoringConfig): Map<string, string> {
  const files = new Map<string, string>();
  for (const { file, engine, alerts } of alertGroups(config)) {
    if (!lokiFiles.includes(file)) continue;
    const rules = alerts.flatMap((alert) =>
      alert.logEvents === undefined
        ? []
        : [
            {
              alert: alert.name,
              expr: logqlExpr(engine, alert.logEvents),
              ...(alert.for === '0m' ? {} : { for: alert.for }),
              labels: labels(alert, engine),
              annotations: annotations(alert, config, alert.description),
            },
          ],
    );
    files.set(`loki/${file}.rules.yml`, generatedYaml({ groups: [{ name: `keepwatch-${file}-log-events`, rules }] }));
  }
  return files;
}
