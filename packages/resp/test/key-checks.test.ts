import { KeepwatchError } from '@keepwatch/core/errors';
import { describe, expect, test } from 'vitest';
import { keyGroupOf, luaPatternToRegExp, parseDbKeys } from '../src/key-checks/index.ts';

describe('[db=]key arguments, as redis_exporter parseKeyArg reads them', () => {
  test('database as 3 or db3, default 0; keys URL-decoded', () => {
    expect(parseDbKeys('f', ['user:*', 'db3=a%2Cb', '2=queue'])).toEqual([
      { db: 0, key: 'user:*' },
      { db: 3, key: 'a,b' },
      { db: 2, key: 'queue' },
    ]);
  });

  test.each(['x=key', '1=', 'a=b=c', '-1=key', 'db=key', 'k%zz'])('%s is refused with one line naming the flag', (item) => {
    expect(() => parseDbKeys('collector.keys.check', [item])).toThrow(KeepwatchError);
    expect(() => parseDbKeys('collector.keys.check', [item])).toThrow(/^--collector\.keys\.check /);
  });
});

describe('Lua patterns for key groups (Lua 5.1 manual §5.4.1, as string.find in redis_exporter key_groups.go)', () => {
  const group = (pattern: string, key: string) => keyGroupOf(key, [luaPatternToRegExp(pattern, 'f')]);

  test.each([
    ['^(user):', 'user:42', 'user'],
    ['^(%a+):', 'session:abc', 'session'],
    ['^(%a+):', '42:x', undefined],
    ['(%d+)$', 'order:123', '123'],
    ['^(.-):(.-):', 'a:b:c:d', 'ab'],
    ['^(.*):', 'a:b:c', 'a:b'],
    ['^([%w_]+)%.', 'my_app.key', 'my_app'],
    ['^([^:]+)', 'tenant:1', 'tenant'],
    ['%-', 'a-b', ''],
    ['^x$', 'x', ''],
    ['a^b$c', 'a^b$c', ''],
    ['^(%u%l+)', 'Hello', 'Hello'],
    ['^(%S+)', 'no spaces', 'no'],
    ['[%-_]', 'a_b', ''],
  ])('%s on %s groups as %s', (pattern, key, expected) => {
    expect(group(pattern, key)).toBe(expected);
  });

  test('first matching pattern wins; none matching is undefined (the collector says unclassified)', () => {
    const patterns = ['^(user):', '^(%a+):'].map((pattern) => luaPatternToRegExp(pattern, 'f'));
    expect(keyGroupOf('user:1', patterns)).toBe('user');
    expect(keyGroupOf('cart:1', patterns)).toBe('cart');
    expect(keyGroupOf('1', patterns)).toBeUndefined();
  });

  test.each(['%b()', '%f[%w]', '(a)%1', '()', '[abc', 'x%'])('%s has no RegExp form and is refused at startup', (pattern) => {
    expect(() => luaPatternToRegExp(pattern, 'collector.key-groups.patterns')).toThrow(/^--collector\.key-groups\.patterns /);
  });
});
