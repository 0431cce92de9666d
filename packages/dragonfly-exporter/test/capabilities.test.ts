import { parseInfo } from '@keepwatch/resp/info';
import { describe, expect, test } from 'vitest';
import { detectDragonflyCaps } from '../src/capabilities.ts';

/** The Server section as upstream's ServerFamily::Info wrote it at each tag (src/server/server_family.cc). */
const server = (lines: string[]) => parseInfo(['# Server', ...lines, ''].join('\r\n'));

describe('Dragonfly detection across releases', () => {
  test.each([
    ['v1.40.0: dragonfly_version, redis_version 7.4.0', ['redis_version:7.4.0', 'dragonfly_version:df-v1.40.0'], '1.40.0', 14000],
    ['v1.6.0: dfly_version, redis_version 6.2.11', ['redis_version:6.2.11', 'dfly_version:df-v1.6.0'], '1.6.0', 10600],
    ['v0.15.0: the version in redis_version', ['redis_version:df-v0.15.0'], '0.15.0', 1500],
    ['a dev build: no release number, every gate open', ['redis_version:7.4.0', 'dragonfly_version:df-dev'], 'dev', 990000],
  ])('%s', (_what, lines, version, versionNumber) => {
    expect(detectDragonflyCaps(server(lines))).toEqual({ server: 'dragonfly', version, versionNumber });
  });

  test('any other server is refused with a pointer to the right exporter', () => {
    expect(() => detectDragonflyCaps(server(['redis_version:7.2.4', 'server_name:valkey', 'valkey_version:8.0.1']))).toThrow(
      'the target is Valkey 8.0.1, not Dragonfly',
    );
    expect(() => detectDragonflyCaps(server(['redis_version:7.0.15']))).toThrow('the target is Redis 7.0.15, not Dragonfly');
  });
});
