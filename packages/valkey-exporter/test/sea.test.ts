import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, scrapeWhenServing } from '@keepwatch/testing';
import { type ServerHandle, startServer } from '@keepwatch/testing/servers';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildSea } from '../../../scripts/sea/sea.ts';

const repo = new URL('../../../', import.meta.url).pathname;

describe('the single executable (pnpm run sea) and its systemd unit', () => {
  let server: ServerHandle;
  let executable: string;

  beforeAll(async () => {
    server = await startServer('valkey');
    executable = await buildSea('valkey-exporter');
  });

  afterAll(async () => {
    await server?.dispose();
  });

  test('runs with no node on PATH and scrapes a real Valkey; SIGTERM stops it with 0', async () => {
    // An empty directory as PATH: a shell's default PATH would find the machine's own node.
    const env = { PATH: mkdtempSync(join(tmpdir(), 'keepwatch-no-node-')) };
    expect(spawnSync('sh', ['-c', 'command -v node'], { env }).status).not.toBe(0);
    const port = await freePort();
    const child = spawn(executable, ['--valkey.addr', server.url, '--web.listen-address', `127.0.0.1:${port}`], { env, cwd: tmpdir(), stdio: 'ignore' });
    try {
      const metrics = await scrapeWhenServing(port);
      expect(metrics.value('valkey_up')).toBe(1);
      expect(metrics.value('valkey_exporter_unknown_info_fields')).toBe(0);
    } finally {
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });

  test('--version and a bad flag answer as the bundle does: one line, exit status 2, no stack trace', () => {
    expect(spawnSync(executable, ['--version'], { env: {}, encoding: 'utf8' }).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const bad = spawnSync(executable, ['--no-such-flag'], { env: {}, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/KW_ERR_FLAG/);
  });

  test('the hardened systemd unit passes systemd-analyze verify with the executable in place', () => {
    const unit = readFileSync(join(repo, 'deploy/systemd/valkey-exporter.service'), 'utf8').replaceAll('/usr/local/bin/valkey-exporter', executable);
    expect(unit).toMatch(/^DynamicUser=yes$/m);
    expect(unit).toMatch(/^ProtectSystem=strict$/m);
    expect(unit).toMatch(/^LoadCredential=valkey-password:/m);
    expect(unit).toMatch(/^ReadOnlyPaths=\/var\/log\/valkey$/m);
    const dir = mkdtempSync(join(tmpdir(), 'keepwatch-unit-'));
    writeFileSync(join(dir, 'valkey-exporter.service'), unit);
    const verify = spawnSync('systemd-analyze', ['verify', join(dir, 'valkey-exporter.service')], { encoding: 'utf8' });
    expect(`${verify.stdout}${verify.stderr}`.split('\n').filter((line) => line.includes('valkey-exporter.service'))).toEqual([]);
    expect(verify.status).toBe(0);
  });
});
