import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { defaultConfig, renderAlertFiles } from '../src/index.ts';

const alertsDir = new URL('../../../alerts/', import.meta.url).pathname;
const files = renderAlertFiles(defaultConfig);
// Generated directories are rewritten whole, so a removed alert leaves no stale runbook behind.
for (const dir of ['runbooks', 'tests', 'kubernetes']) rmSync(join(alertsDir, dir), { recursive: true, force: true });
for (const entry of readdirSync(alertsDir, { withFileTypes: true })) if (entry.name.endsWith('.rules.yml')) rmSync(join(alertsDir, entry.name));
for (const [path, content] of files) {
  mkdirSync(dirname(join(alertsDir, path)), { recursive: true });
  writeFileSync(join(alertsDir, path), content);
}
