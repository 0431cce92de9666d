import { describe, expect, test } from 'vitest';
import { listenAddress } from '../src/cli/common.ts';
import { envVarFor, type FlagSpec, type ParsedFlags, parseFlags } from '../src/cli/flags.ts';

describe('flags', () => {
  test('environment variable names follow one rule', () => {
    expect(envVarFor('valkey', 'valkey.addr')).toBe('VALKEY_ADDR');
    expect(envVarFor('valkey', 'valkey.password-file')).toBe('VALKEY_PASSWORD_FILE');
    expect(envVarFor('valkey', 'web.listen-address')).toBe('VALKEY_EXPORTER_WEB_LISTEN_ADDRESS');
    expect(envVarFor('milvus', 'collector.acl-log')).toBe('MILVUS_EXPORTER_COLLECTOR_ACL_LOG');
  });

  const specs: FlagSpec[] = [
    { name: 'x.name', kind: 'string', default: 'd', help: '' },
    { name: 'x.count', kind: 'number', default: 3, range: { min: 1, max: 10, integer: true }, help: '' },
    { name: 'x.timeout', kind: 'number', default: 1, range: { min: 0.1, max: 3600, unit: 'seconds' }, help: '' },
    { name: 'x.on', kind: 'boolean', default: true, help: '' },
    { name: 'x.list', kind: 'list', help: '' },
  ];
  const program = { engine: 'x', name: 'x', description: '', version: '1' };

  test('command line over environment over defaults; booleans stay unset unless chosen', () => {
    const read = (flags: ParsedFlags | undefined) => ({
      name: flags?.string('x.name'),
      count: flags?.number('x.count'),
      on: flags?.boolean('x.on'),
      chosen: flags?.explicitBoolean('x.on'),
      list: flags?.list('x.list'),
    });
    const parsed = parseFlags(specs, ['--x.count', '5', '--no-x.on'], { X_NAME: 'from-env', X_COUNT: '9', X_LIST: 'a, b,,c' }, program).flags;
    expect(read(parsed)).toEqual({ name: 'from-env', count: 5, on: false, chosen: false, list: ['a', 'b', 'c'] });
    const defaults = parseFlags(specs, [], {}, program).flags;
    expect(read(defaults)).toEqual({ name: 'd', count: 3, on: true, chosen: undefined, list: [] });
    expect(parseFlags(specs, [], { X_ON: 'false' }, program).flags?.explicitBoolean('x.on')).toBe(false);
  });

  test('the parsed flags are frozen, and a read names a flag of the table with the kind it was declared with', () => {
    const flags = parseFlags(specs, [], {}, program).flags;
    expect(Object.isFrozen(flags)).toBe(true);
    expect(() => flags?.string('x.nmae')).toThrow(/--x\.nmae is read as a string flag but is not in the flag table/);
    expect(() => flags?.number('x.name')).toThrow(/--x\.name is read as a number flag but is a string/);
    expect(flags?.declares('x.name')).toBe(true);
    expect(flags?.declares('scrape.config-file')).toBe(false);
  });

  test('every number is held to its range: one KW_ERR_FLAG line naming the flag or variable', () => {
    const parse =
      (argv: string[], env: Record<string, string> = {}) =>
      () =>
        parseFlags(specs, argv, env, program);
    expect(parse(['--x.timeout', '1e308'])).toThrow('--x.timeout "1e308" is out of range: 0.1 to 3600 seconds');
    expect(parse(['--x.timeout', '0'])).toThrow('--x.timeout "0" is out of range: 0.1 to 3600 seconds');
    expect(parse(['--x.timeout', 'NaN'])).toThrow('--x.timeout "NaN" is not a number');
    expect(parse([], { X_TIMEOUT: '-5' })).toThrow('X_TIMEOUT "-5" is out of range: 0.1 to 3600 seconds');
    expect(parse(['--x.count', '2.5'])).toThrow('--x.count "2.5" is out of range: a whole number from 1 to 10');
    expect(parse(['--x.count', '10'])).not.toThrow();
    const unranged: FlagSpec[] = [{ name: 'x.n', kind: 'number', default: 1, help: '' }];
    expect(() => parseFlags(unranged, [], {}, program)).toThrow(/KW_ERR_INTERNAL|without a range/);
  });

  test('listen addresses', () => {
    expect(listenAddress(':9866')).toEqual({ host: '0.0.0.0', port: 9866 });
    expect(listenAddress('127.0.0.1:0')).toEqual({ host: '127.0.0.1', port: 0 });
    expect(listenAddress('[::1]:9866')).toEqual({ host: '::1', port: 9866 });
    expect(() => listenAddress('9866')).toThrow(/not \[host\]:port/);
  });
});
