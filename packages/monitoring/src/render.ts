import type { AlertSpec } from './alert.ts';
import type { MonitoringConfig } from './config.ts';
import { generatedMarkdownNote, generatedYaml as yaml } from './generated.ts';
import { alertGroups } from './groups.ts';
import { selectedByKubePrometheusStack } from './kubernetes.ts';
import { renderLokiFiles } from './loki.ts';
import { annotations, labels, runbookFile } from './rule-parts.ts';

function rule(alert: AlertSpec, engine: string, config: MonitoringConfig) {
  return {
    alert: alert.name,
    expr: alert.expr,
    ...(alert.for === '0m' ? {} : { for: alert.for }),
    labels: labels(alert, engine),
    annotations: annotations(alert, config, alert.description),
  };
}

function ruleGroup(file: string, engine: string, alerts: readonly AlertSpec[], config: MonitoringConfig) {
  return { name: `keepwatch-${file}`, rules: alerts.map((alert) => rule(alert, engine, config)) };
}

/** One promtool test group per alert, covering each of its cases. */
function testFile(file: string, engine: string, alerts: readonly AlertSpec[], config: MonitoringConfig) {
  return {
    rule_files: [`../${file}.rules.yml`],
    evaluation_interval: '1m',
    tests: alerts.flatMap((alert) =>
      alert.cases.map((alertCase) => ({
        name: `${alert.name}: ${alertCase.name}`,
        interval: '1m',
        input_series: Object.entries(alertCase.series).map(([series, values]) => ({ series, values })),
        alert_rule_test: [
          {
            eval_time: alertCase.at,
            alertname: alert.name,
            exp_alerts: alertCase.fires.map((fired) => ({
              exp_labels: { ...fired.labels, ...labels(alert, engine) },
              exp_annotations: annotations(alert, config, fired.description),
            })),
          },
        ],
      })),
    ),
  };
}

function runbook(alert: AlertSpec, engine: string): string {
  return [
    `# ${alert.name}`,
    '',
    `Severity: **${alert.severity}**. Engine: ${engine}. ${alert.summary}`,
    '',
    '```promql',
    alert.expr,
    '```',
    '',
    `Fires after the condition holds for ${alert.for === '0m' ? 'one evaluation' : alert.for}.`,
    '',
    '## What it means',
    '',
    alert.runbook.meaning,
    '',
    '## How to confirm',
    '',
    alert.runbook.confirm,
    '',
    '## What to do',
    '',
    alert.runbook.action,
    '',
    generatedMarkdownNote,
  ].join('\n');
}

/** Every file under alerts/ that is generated, by path relative to alerts/. */
export function renderAlertFiles(config: MonitoringConfig): Map<string, string> {
  const files = new Map<string, string>();
  const index: string[] = ['# Runbooks', '', '| Alert | Severity | Summary |', '| --- | --- | --- |'];
  for (const { file, engine, alerts } of alertGroups(config)) {
    const group = ruleGroup(file, engine, alerts, config);
    files.set(`${file}.rules.yml`, yaml({ groups: [group] }));
    files.set(`tests/${file}.test.yml`, yaml(testFile(file, engine, alerts, config)));
    files.set(
      `kubernetes/${file}.prometheusrule.yaml`,
      yaml({
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'PrometheusRule',
        metadata: { name: `keepwatch-${file}`, labels: { ...selectedByKubePrometheusStack, role: 'alert-rules' } },
        spec: { groups: [group] },
      }),
    );
    for (const alert of alerts) {
      files.set(`runbooks/${runbookFile(alert)}`, runbook(alert, engine));
      index.push(`| [${alert.name}](${runbookFile(alert)}) | ${alert.severity} | ${alert.summary} |`);
    }
  }
  files.set('runbooks/README.md', `${index.join('\n')}\n\n${generatedMarkdownNote}`);
  for (const [path, text] of renderLokiFiles(config)) files.set(path, text);
  return files;
}
