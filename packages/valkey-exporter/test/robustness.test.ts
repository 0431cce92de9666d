import { checkArbitraryReplies, checkMutatedInfo, checkMutatedInfoWithPromtool, readFixture } from '@keepwatch/testing';
import { describe, test } from 'vitest';
import type { ValkeyCaps } from '../src/capabilities.ts';
import { createCollectors, defaultDangerousCommands } from '../src/collectors/index.ts';

const subject = {
  namespace: 'valkey',
  caps: { server: 'valkey', version: '8.0.1', versionNumber: 80001, clusterEnabled: false, sentinel: false } satisfies ValkeyCaps,
  collectors: createCollectors({
    exportUnknownInfoFields: true,
    dangerousCommands: defaultDangerousCommands,
    maxErrorPrefixes: 100,
    maxCommands: 1000,
    maxDatabases: 256,
    aclLogMaxUsers: 50,
    aclLogEntries: 128,
  }),
  /** A real INFO ALL from Valkey 8.0.1 (captured from a test server). */
  seed: readFixture('valkey/valkey-8.0.1-info-all.txt'),
};

describe('robustness of INFO parsing and exposition', () => {
  test('mutated INFO never throws and always yields a parsable exposition with up 1', () => checkMutatedInfo(subject));
  test('promtool accepts the exposition of mutated INFO', () => checkMutatedInfoWithPromtool(subject));
  test('collectors that send their own commands survive arbitrary replies, three scrapes in a row', () => checkArbitraryReplies(subject));
});
