import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { alertGroups, defaultConfig, renderAlertFiles } from '../src/index.ts';
import { filesUnder } from './files.ts';

const alertsDir = new URL('../../../alerts/', import.meta.url).pathname;
const run = (command: string, args: string[]) => {
  const result = spawnSync(command, args, { cwd: alertsDir, encoding: 'utf8' });
  return { status: result.status, output: result.stdout + result.stderr };
};

const groups = alertGroups();
const alerts = groups.flatMap((group) => group.alerts.map((alert) => ({ ...alert, engine: group.engine })));
const generated = renderAlertFiles(defaultConfig);

describe('alerts/: generated from packages/monitoring', () => {
  test('the committed files are what the source generates (run `pnpm run docs` after changing an alert)', () => {
    for (const [path, content] of generated) expect(readFileSync(join(alertsDir, path), 'utf8'), path).toBe(content);
    const handWritten = ['alertmanager/alertmanager.yml', 'README.md'];
    expect(
      filesUnder(alertsDir)
        .filter((path) => !handWritten.includes(path))
        .sort(),
    ).toEqual([...generated.keys()].sort());
  });

  test('promtool check rules accepts every rule file, lint included', () => {
    const files = groups.map((group) => `${group.file}.rules.yml`);
    expect(run('promtool', ['check', 'rules', '--lint=all', '--lint-fatal', ...files])).toMatchObject({ status: 0 });
  });

  test('promtool test rules: every case of every alert passes', () => {
    const result = run('promtool', ['test', 'rules', ...groups.map((group) => `tests/${group.file}.test.yml`)]);
    expect(result.output).not.toContain('FAILED');
    expect(result.status).toBe(0);
  });

  test('the metric prefix is configuration (as for any --namespace): every rule and case holds', () => {
    const engines = { valkey: 'vk', redis: 'rds', dragonfly: 'df', milvus: 'vector' };
    const renamed = renderAlertFiles({ ...defaultConfig, prefixes: engines });
    const dir = mkdtempSync(join(tmpdir(), 'keepwatch-alerts-'));
    mkdirSync(join(dir, 'tests'));
    for (const [file, prefix] of Object.entries(engines)) {
      for (const path of [`${file}.rules.yml`, `tests/${file}.test.yml`]) writeFileSync(join(dir, path), renamed.get(path) ?? '');
      const rules = renamed.get(`${file}.rules.yml`) ?? '';
      expect(rules).toContain(`${prefix}_up == 0`);
      expect(rules, file).not.toMatch(new RegExp(`[{( ]${file}_[a-z]`));
    }
    const result = spawnSync('promtool', ['test', 'rules', ...Object.keys(engines).map((file) => `tests/${file}.test.yml`)], { cwd: dir, encoding: 'utf8' });
    expect(result.stdout + result.stderr).toContain('SUCCESS');
    expect(result.stdout + result.stderr).not.toContain('FAILED');
    expect(result.status).toBe(0);
  });

  test('every alert has a case where it fires and one where it must not', () => {
    for (const alert of alerts) {
      expect(
        alert.cases.some((alertCase) => alertCase.fires.length > 0),
        `${alert.name} fires somewhere`,
      ).toBe(true);
      expect(
        alert.cases.some((alertCase) => alertCase.fires.length === 0),
        `${alert.name} stays silent somewhere`,
      ).toBe(true);
    }
  });

  test('names, severities, annotations and runbooks follow the conventions', () => {
    const prefixes: Record<string, string> = { valkey: 'Valkey', redis: 'Redis', dragonfly: 'Dragonfly', milvus: 'Milvus', keepwatch: 'Keepwatch' };
    expect(new Set(alerts.map((alert) => alert.name)).size).toBe(alerts.length);
    for (const alert of alerts) {
      expect(alert.name).toMatch(new RegExp(`^${prefixes[alert.engine]}([A-Z][a-z0-9]+)+$`));
      expect(['critical', 'warning', 'info']).toContain(alert.severity);
      expect(alert.summary, alert.name).toMatch(/^[A-Z].*\.$/);
      expect(alert.summary, `${alert.name}: summary is static`).not.toContain('{{');
      expect(alert.description, `${alert.name}: description names the instance or group`).toMatch(/\{\{ \$labels\.(instance|job) \}\}/);
      for (const part of Object.values(alert.runbook)) expect(part.length, alert.name).toBeGreaterThan(20);
    }
    const rules = parse(readFileSync(join(alertsDir, 'valkey.rules.yml'), 'utf8')) as { groups: { rules: { annotations: { runbook_url: string } }[] }[] };
    for (const rule of rules.groups[0]?.rules ?? []) {
      const file = rule.annotations.runbook_url.slice(defaultConfig.runbookBaseUrl.length + 1);
      expect(generated.has(`runbooks/${file}`), file).toBe(true);
    }
  });

  test('each engine has the signals the issue asks for', () => {
    const names = new Set(alerts.map((alert) => alert.name));
    for (const engine of ['Valkey', 'Dragonfly']) {
      for (const signal of [
        'Down',
        'AuthFailureBurst',
        'AclDenials',
        'DangerousCommandUsed',
        'MemoryNearMaxmemory',
        'MemoryAtMaxmemory',
        'MemoryGrowingWithoutLimit',
        'ConnectionSpike',
        'ConnectionsNearMaxclients',
        'ReplicationLinkDown',
        'ReplicaCountDropped',
        'NoPrimary',
        'MultiplePrimaries',
        'PersistenceFailing',
        'KeysEvicted',
        'LatencyP99High',
        'CrashLogged',
      ])
        expect(names, `${engine}${signal}`).toContain(`${engine}${signal}`);
    }
    for (const name of [
      'ValkeyReplicationLagBytes',
      'DragonflyReplicationLagRecords',
      'ValkeyRejectedConnections',
      'ValkeyReplicationLagSeconds',
      'ValkeyClusterStateNotOk',
      'ValkeySecurityAttackLogged',
      'ValkeyOutOfMemoryLogged',
      'ValkeySaveFailureLogged',
    ])
      expect(names).toContain(name);
    for (const name of [
      'MilvusDown',
      'MilvusComponentUnhealthy',
      'MilvusWritesDenied',
      'MilvusReadsDenied',
      'MilvusIndexBacklogGrowing',
      'MilvusCollectionNotLoaded',
      'MilvusAuthFailureBurst',
      'MilvusRequestsRateLimited',
      'KeepwatchExporterDown',
      'KeepwatchCollectorFailing',
    ])
      expect(names).toContain(name);
  });

  test("the PrometheusRule manifests carry exactly the rule files' groups", () => {
    for (const group of groups) {
      const manifest = parse(readFileSync(join(alertsDir, `kubernetes/${group.file}.prometheusrule.yaml`), 'utf8'));
      const rules = parse(readFileSync(join(alertsDir, `${group.file}.rules.yml`), 'utf8'));
      expect(manifest).toMatchObject({ apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: { name: `keepwatch-${group.file}` } });
      expect(manifest.spec.groups).toEqual(rules.groups);
    }
  });

  test('thresholds and durations are configuration: another config changes the rules, not the code', () => {
    const config = { ...defaultConfig, thresholds: { ...defaultConfig.thresholds, authFailures: 3 }, for: { ...defaultConfig.for, burst: '10s' } };
    const rule = alertGroups(config)[0]?.alerts.find((alert) => alert.name === 'ValkeyAuthFailureBurst');
    expect(rule).toMatchObject({ expr: 'increase(valkey_auth_failures_total[5m]) > 3', for: '10s' });
    const scoped = alertGroups({ ...defaultConfig, selectors: { ...defaultConfig.selectors, valkey: 'job="cache"' } })[0]?.alerts[0];
    expect(scoped?.expr).toBe('valkey_up{job="cache"} == 0');
  });
});

describe('alerts/alertmanager: the example Alertmanager configuration', () => {
  const config = 'alertmanager/alertmanager.yml';
  // amtool prints a warning line first on stdout; the receivers are the last line.
  const route = (...labels: string[]) =>
    spawnSync('amtool', ['config', 'routes', 'test', `--config.file=${config}`, ...labels], { cwd: alertsDir, encoding: 'utf8' })
      .stdout.trim()
      .split('\n')
      .at(-1);

  test('amtool check-config accepts it', () => {
    const result = run('amtool', ['check-config', config]);
    expect(result.output).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });

  test('routes by severity and engine; security alerts also reach the security channel; info alerts notify no one', () => {
    expect(route('severity=critical', 'engine=valkey', 'alertname=ValkeyDown')).toBe('oncall-pagerduty,cache-team-slack');
    expect(route('severity=warning', 'engine=milvus', 'alertname=MilvusAuthFailureBurst')).toBe('security-slack,ml-platform-slack');
    expect(route('severity=warning', 'engine=keepwatch', 'alertname=KeepwatchCollectorFailing')).toBe('monitoring-webhook');
    expect(route('severity=info', 'engine=dragonfly', 'alertname=DragonflyKeysEvicted')).toBe('null');
  });
});

describe('alert rules and the exporters agree', () => {
  const documented = new Set(
    ['valkey', 'dragonfly', 'milvus'].flatMap((engine) =>
      [...readFileSync(new URL(`../../${engine}-exporter/README.md`, import.meta.url), 'utf8').matchAll(/`([a-z]+_[a-z0-9_]+)` (?=\|)/g)].map(
        (match) => match[1],
      ),
    ),
  );

  test('every metric a rule reads is one an exporter documents (no alert on a metric that does not exist)', () => {
    for (const alert of alerts) {
      for (const [name] of alert.expr.matchAll(/\b(?:valkey|dragonfly|milvus)_[a-z0-9_]+/g)) {
        if (name.endsWith('_')) continue; // a namespace prefix inside a regular expression
        expect(documented, `${alert.name} reads ${name}`).toContain(name);
      }
    }
  });
});
