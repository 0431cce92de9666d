import { describe, expect, test } from 'vitest';
import { listenAddress } from '../src/cli/common.ts';
import { envVarFor, type FlagSpec, parseFlags } from '../src/cli/flags.ts';

describe('flags', () => {
  test('environment variable names follow one rule', () => {
    expect(envVarFor('valkey', 'valkey.addr')).toBe('VALKEY_ADDR');
    expect(envVarFor('valkey', 'valkey.password-file')).toBe('VALKEY_PASSWORD_FILE');
    expect(envVarFor('valkey', 'web.listen-address')).toBe('VALKEY_EXPORTER_WEB_LISTEN_ADDRESS');
    expect(envVarFor('milvus', 'collector.acl-log')).toBe('MILVUS_EXPORTER_COLLECTOR_ACL_LOG');
  });

  const specs: FlagSpec[] = [
    { name: 'x.name', kind: 'string', default: 'd', help: '' },
    { name: 'x.count', kind: 'number', default: 3, help: '' },
    { name: 'x.on', kind: 'boolean', default: true, help: '' },
    { name: 'x.list', kind: 'list', help: '' },
  ];
  const program = { engine: 'x', name: 'x', description: '', version: '1' };

  test('command line over environment over defaults; booleans stay unset unless chosen', () => {
    const parsed = parseFlags(specs, ['--x.count', '5', '--no-x.on'], { X_NAME: 'from-env', X_COUNT: '9', X_LIST: 'a, b,,c' }, program).flags;
    expect(Object.fromEntries(parsed ?? [])).toEqual({ 'x.name': 'from-env', 'x.count': 5, 'x.on': false, 'x.list': ['a', 'b', 'c'] });
    const defaults = parseFlags(specs, [], {}, program).flags;
    expect(Object.fromEntries(defaults ?? [])).toEqual({ 'x.name': 'd', 'x.count': 3, 'x.on': undefined, 'x.list': undefined });
    expect(parseFlags(specs, [], { X_ON: 'false' }, program).flags?.get('x.on')).toBe(false);
  });

  test('listen addresses', () => {
    expect(listenAddress(':9866')).toEqual({ host: '0.0.0.0', port: 9866 });
    expect(listenAddress('127.0.0.1:0')).toEqual({ host: '127.0.0.1', port: 0 });
    expect(listenAddress('[::1]:9866')).toEqual({ host: '::1', port: 9866 });
    expect(() => listenAddress('9866')).toThrow(/not \[host\]:port/);
  });
});
