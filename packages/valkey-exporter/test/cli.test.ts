import { fileURLToPath } from 'node:url';
import { runCli } from '@keepwatch/testing';
import { writeSecret } from '@keepwatch/testing/valkey-topology';
import { describe, expect, test } from 'vitest';
import packageJson from '../package.json' with { type: 'json' };

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));

const run = (args: string[], env: Record<string, string> = {}) => runCli(main, args, env);

describe('the valkey-exporter command line', () => {
  test('--version prints the version and exits 0', () => {
    const result = run(['--version']);
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(packageJson.version);
  });

  test('--help lists every flag with its environment variable', () => {
    const result = run(['--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('--valkey.password-file <value>');
    expect(result.stdout).toContain('[env VALKEY_PASSWORD_FILE]');
    expect(result.stdout).toContain('[env VALKEY_EXPORTER_WEB_LISTEN_ADDRESS or REDIS_EXPORTER_WEB_LISTEN_ADDRESS]');
    expect(result.stdout).toContain('--collector.acl-log');
  });

  const failures: [string, string[], Record<string, string>, string][] = [
    ['an unknown flag', ['--valkey.adress', 'x'], {}, "valkey-exporter: KW_ERR_FLAG: unknown option '--valkey.adress'"],
    [
      'a password on the command line',
      ['--valkey.addr', 'redis://u:hunter2@localhost:6379'],
      {},
      'valkey-exporter: KW_ERR_FLAG: --valkey.addr "redis://<userinfo>@localhost:6379": contains a password; use --valkey.password-file or VALKEY_PASSWORD instead',
    ],
    [
      'an unreadable password file',
      ['--valkey.password-file', '/nonexistent/pw'],
      {},
      'valkey-exporter: KW_ERR_FILE: --valkey.password-file /nonexistent/pw: cannot read the file (ENOENT)',
    ],
    ['a bad listen address', ['--web.listen-address', 'localhost'], {}, 'valkey-exporter: KW_ERR_FLAG: --web.listen-address "localhost" is not [host]:port'],
    [
      'an event label that is no label name',
      ['--log.file', '/dev/null', '--log.events-labels', 'my-cluster=prod'],
      {},
      'valkey-exporter: KW_ERR_FLAG: --log.events-labels "my-cluster=prod" is not name=value with a label name',
    ],
    [
      'an empty address without a targets file',
      ['--valkey.addr', ''],
      {},
      'valkey-exporter: KW_ERR_FLAG: --valkey.addr is empty; an empty address is only allowed with --scrape.config-file',
    ],
    [
      'an empty address with an empty targets file flag',
      ['--valkey.addr', '', '--scrape.config-file', ''],
      {},
      'valkey-exporter: KW_ERR_FLAG: --valkey.addr is empty; an empty address is only allowed with --scrape.config-file',
    ],
    [
      'a bad log level',
      ['--log.level', 'loud'],
      {},
      "valkey-exporter: KW_ERR_FLAG: option '--log.level <value>' argument 'loud' is invalid. Allowed choices are debug, info, warn, error.",
    ],
    [
      'a bad log format in the environment',
      [],
      { VALKEY_EXPORTER_LOG_FORMAT: 'xml' },
      'valkey-exporter: KW_ERR_FLAG: VALKEY_EXPORTER_LOG_FORMAT "xml" is not one of logfmt, json',
    ],
    [
      'a non-boolean environment value',
      [],
      { VALKEY_EXPORTER_COLLECTOR_ACL_LOG: 'maybe' },
      'valkey-exporter: KW_ERR_FLAG: VALKEY_EXPORTER_COLLECTOR_ACL_LOG="maybe" is not a boolean (use true or false)',
    ],
    [
      'a non-numeric environment value',
      [],
      { VALKEY_EXPORTER_COLLECTOR_ACL_LOG_MAX_USERS: 'lots' },
      'valkey-exporter: KW_ERR_FLAG: VALKEY_EXPORTER_COLLECTOR_ACL_LOG_MAX_USERS "lots" is not a number',
    ],
    [
      'TLS options for a plain address',
      ['--valkey.tls.server-name', 'db'],
      {},
      'valkey-exporter: KW_ERR_FLAG: TLS options given but --valkey.addr redis://localhost:6379 is not TLS; use rediss:// or valkeys://',
    ],
  ];

  test.each(failures)('%s: one line on stderr, exit 2', (_what, args, env, line) => {
    const result = run(args, env);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(`${line}\n`);
    expect(result.stdout).toBe('');
  });

  test('a malformed web config file: one line naming the key, exit 2', () => {
    const file = writeSecret('basic_auth_users:\n  alice: plaintext-password');
    const result = run(['--web.config.file', file]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^valkey-exporter: KW_ERR_WEB_CONFIG: --web\.config\.file .+: basic_auth_users\.alice is not a bcrypt hash/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).not.toContain('plaintext-password');
  });
});
