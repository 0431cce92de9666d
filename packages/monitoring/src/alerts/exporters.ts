import { type AlertSpec, seriesSelector } from '../alert.ts';
import type { MonitoringConfig } from '../config.ts';

const target = { job: 'valkey', instance: 'a:9866' };

/** The exporters themselves: scraped at all, collectors working, log following working. */
export function exporterAlerts(config: MonitoringConfig): AlertSpec[] {
  const names = (suffix: string) =>
    `{__name__=~"(${config.namespaces.join('|')})_${suffix}"${config.selectors.exporters === '' ? '' : `, ${config.selectors.exporters}`}}`;
  const up = config.selectors.exporters === '' ? 'up' : `up{${config.selectors.exporters}}`;
  return [
    {
      name: 'KeepwatchExporterDown',
      severity: 'critical',
      expr: `${up} == 0`,
      for: config.for.down,
      summary: 'Prometheus cannot scrape a keepwatch exporter.',
      description: '{{ $labels.job }}/{{ $labels.instance }}: the exporter does not answer Prometheus.',
      runbook: {
        meaning:
          "Prometheus' own `up` is 0 for an exporter: the sidecar is not running, not listening where Prometheus looks, or rejects the scrape (TLS, basic auth). Nothing about the database is known meanwhile.",
        confirm: "Prometheus' Targets page shows the scrape error; `curl` the exporter's `/-/healthy` from the Prometheus network.",
        action:
          'Restart the sidecar and read its first log line (a bad flag is one `KW_ERR_FLAG` line); check the web config and the ServiceMonitor/PodMonitor port.',
      },
      cases: [
        {
          name: 'not scraped',
          series: { 'up{job="valkey", instance="a:9866"}': '1 0x4' },
          at: '4m',
          fires: [{ labels: target, description: 'valkey/a:9866: the exporter does not answer Prometheus.' }],
        },
        { name: 'another job', series: { 'up{job="node", instance="a:9100"}': '0x5' }, at: '4m', fires: [] },
      ],
    },
    {
      name: 'KeepwatchCollectorFailing',
      severity: 'warning',
      expr: `${names('exporter_collector_success')} == 0`,
      for: config.for.collectorFailing,
      summary: 'A keepwatch collector keeps failing.',
      description: `{{ $labels.instance }}: collector {{ $labels.collector }} has failed every scrape for ${config.for.collectorFailing}; its metrics are missing.`,
      runbook: {
        meaning:
          'One collector fails on every scrape while the target answers: its metrics are missing and alerts built on them cannot fire. Typical causes: a command or RPC the exporter user is not allowed (refused once per connection), a server version without the data.',
        confirm: 'The exporter log has one warning per failing collector with the reason.',
        action:
          "Grant what the README's least-privilege section lists, or disable the collector (`--no-collector.<name>`) if the data does not exist on this server.",
      },
      cases: [
        {
          name: 'acl-log failing',
          series: { 'valkey_exporter_collector_success{job="valkey", instance="a:9866", collector="acl-log"}': '0x20' },
          at: '20m',
          fires: [
            {
              labels: { ...target, collector: 'acl-log' },
              description: `a:9866: collector acl-log has failed every scrape for ${config.for.collectorFailing}; its metrics are missing.`,
            },
          ],
        },
        {
          name: 'a transient failure',
          series: { 'valkey_exporter_collector_success{job="valkey", instance="a:9866", collector="acl-log"}': '1x5 0x3 1x12' },
          at: '20m',
          fires: [],
        },
      ],
    },
    {
      name: 'KeepwatchLogLinesUnparsed',
      severity: 'info',
      expr: `increase(${names('log_parse_failures_total')}[${config.windows.burst}]) > ${config.thresholds.logParseFailures}`,
      for: config.for.collectorFailing,
      summary: 'A keepwatch exporter cannot parse the engine log it follows.',
      description: `{{ $labels.instance }}: {{ $value | printf "%.0f" }} log lines in no known format in ${config.windows.burst}.`,
      runbook: {
        meaning:
          'Many lines of the followed log (--log.file) match no format the exporter knows: the log format changed (Valkey logfmt/json, a custom Milvus access-log formatter), or --log.file points at the wrong file. Log events and access counters are then missing.',
        confirm: 'Look at a few lines of the file; compare with the formats in the package README.',
        action: 'Point --log.file at the right file, or set the format flag (--milvus.access-log.format).',
      },
      cases: [
        {
          name: 'a wrong format',
          series: { 'milvus_log_parse_failures_total{job="milvus", instance="m:9868"}': '0+100x25' },
          at: '25m',
          fires: [
            {
              labels: { job: 'milvus', instance: 'm:9868' },
              description: `m:9868: 500 log lines in no known format in ${config.windows.burst}.`,
            },
          ],
        },
        { name: 'a few odd lines', series: { 'milvus_log_parse_failures_total{job="milvus", instance="m:9868"}': '0+1x25' }, at: '25m', fires: [] },
      ],
    },
    {
      name: 'KeepwatchLogMonitoringDown',
      severity: 'warning',
      expr: `${names('log_follower_healthy')} == 0`,
      for: config.for.logMonitoringDown,
      summary: 'A keepwatch exporter cannot follow the engine log it was given.',
      description: '{{ $labels.instance }}: --log.file is missing, not a regular file, or unreadable; log events and their alerts are blind.',
      runbook: {
        meaning:
          'The exporter was started with --log.file, but its last polls found no regular file there (not created yet, deleted, replaced by a directory) or could not read it (permissions, a volume gone). Brute-force, crash and out-of-memory log alerts cannot fire meanwhile.',
        confirm: "The exporter's log has an `engine log monitoring failed` line with the reason; `ls -l` the path inside the exporter container.",
        action:
          'Make the engine write its log where the exporter looks (a shared volume), readable by the exporter user. The exporter picks the file up by itself once it is there.',
      },
      cases: [
        {
          name: 'the path became a directory',
          series: { [seriesSelector('valkey_log_follower_healthy', target)]: '1x5 0x15' },
          at: '20m',
          fires: [
            {
              labels: target,
              description: 'a:9866: --log.file is missing, not a regular file, or unreadable; log events and their alerts are blind.',
            },
          ],
        },
        { name: 'a rotation gap of one poll', series: { [seriesSelector('valkey_log_follower_healthy', target)]: '1x5 0 1x14' }, at: '20m', fires: [] },
      ],
    },
  ];
}
