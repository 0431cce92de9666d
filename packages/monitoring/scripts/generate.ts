import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { defaultConfig, renderAlertFiles, renderGrafanaFiles } from '../src/index.ts';

const root = new URL('../../../', import.meta.url).pathname;

function write(dir: string, files: Map<string, string>): void {
  for (const [path, content] of files) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

// Generated directories are rewritten whole, so a removed alert or dashboard leaves no stale file behind.
const alertsDir = join(root, 'alerts');
for (const dir of ['runbooks', 'tests', 'kubernetes', 'loki']) rmSync(join(alertsDir, dir), { recursive: true, force: true });
for (const entry of readdirSync(alertsDir, { withFileTypes: true })) if (entry.name.endsWith('.rules.yml')) rmSync(join(alertsDir, entry.name));
write(alertsDir, renderAlertFiles(defaultConfig));

const grafanaDir = join(root, 'grafana');
for (const dir of ['dashboards', 'provisioning', 'kubernetes']) rmSync(join(grafanaDir, dir), { recursive: true, force: true });
write(grafanaDir, renderGrafanaFiles());
