import { runCli } from '@keepwatch/testing';
import { startDragonflyStandIn } from '@keepwatch/testing/dragonfly-standin';
import { describe, expect, test } from 'vitest';
import { defaultPort } from '../src/definition.ts';
import { startTestExporter } from './harness/exporter.ts';

const main = new URL('../src/main.ts', import.meta.url).pathname;
const run = (args: string[], env: Record<string, string> = {}) => runCli(main, args, env);

describe('the dragonfly-exporter command line', () => {
  test('--help lists the Dragonfly flags with their environment variables and the default port', () => {
    const result = run(['--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('--dragonfly.addr');
    expect(result.stdout).toContain('[env DRAGONFLY_ADDR]');
    expect(result.stdout).toContain('[env DRAGONFLY_EXPORTER_COLLECTOR_ACL_LOG_ENTRIES]');
    expect(result.stdout).toContain(`:${defaultPort}`);
  });

  test('a password in the address is refused in one line, without echoing it', () => {
    const result = run(['--dragonfly.addr', 'redis://user:hunter2@localhost:6379']);
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('KW_ERR_FLAG');
    expect(result.stderr).toContain('--dragonfly.password-file or DRAGONFLY_PASSWORD');
    expect(result.stderr).not.toContain('hunter2');
  });

  test('--log.file-max-bytes is refused in one line: glog keeps its file open, so the exporter must not rename it', () => {
    const result = run(['--log.file', '/dev/null', '--log.file-max-bytes', '1000000']);
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toBe(
      "dragonfly-exporter: KW_ERR_FLAG: --log.file-max-bytes: dragonfly keeps its log file open, so a renamed file would keep growing; rotate with dragonfly's own setting and --log.remove-rotated",
    );
  });

  test('a wrong password: up 0, one KW_ERR_TARGET_AUTH line, no secret anywhere', async () => {
    const dragonfly = await startDragonflyStandIn({ requirepass: 'right-pass' });
    const exporter = await startTestExporter(['--dragonfly.addr', dragonfly.url], { DRAGONFLY_PASSWORD: 'canary-wrong-pass' });
    try {
      const metrics = await exporter.scrape();
      expect(metrics.value('dragonfly_up')).toBe(0);
      expect(exporter.logs.join('\n')).toContain('KW_ERR_TARGET_AUTH');
      expect(exporter.logs.join('\n') + metrics.text).not.toContain('canary-wrong-pass');
    } finally {
      await exporter.close();
      await dragonfly.close();
    }
  });

  test('no password where one is needed: up 0 and the flag to set', async () => {
    const dragonfly = await startDragonflyStandIn({ requirepass: 'right-pass' });
    const exporter = await startTestExporter(['--dragonfly.addr', dragonfly.url]);
    try {
      expect((await exporter.scrape()).value('dragonfly_up')).toBe(0);
      expect(exporter.logs.join('\n')).toContain('--dragonfly.password-file');
    } finally {
      await exporter.close();
      await dragonfly.close();
    }
  });
});
