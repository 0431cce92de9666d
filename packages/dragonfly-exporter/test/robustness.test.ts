import { checkArbitraryReplies, checkMutatedInfo, checkMutatedInfoWithPromtool, readFixture } from '@keepwatch/testing';
import { describe, test } from 'vitest';
import type { DragonflyCaps } from '../src/capabilities.ts';
import { createCollectors, dragonflyDangerousCommands } from '../src/collectors/index.ts';

const subject = {
  namespace: 'dragonfly',
  caps: { server: 'dragonfly', version: '1.40.1', versionNumber: 14001 } satisfies DragonflyCaps,
  collectors: createCollectors({
    exportUnknownInfoFields: true,
    dangerousCommands: dragonflyDangerousCommands,
    maxErrorPrefixes: 100,
    maxCommands: 1000,
    maxDatabases: 256,
    aclLogMaxUsers: 50,
    aclLogEntries: 32,
  }),
  /** Dragonfly 1.40's INFO ALL as reconstructed from its source (errorstats messages, unknown_ commands, sec.usec CPU). */
  seed: readFixture('dragonfly/info_all.txt'),
};

describe('robustness of Dragonfly INFO parsing and exposition', () => {
  test('mutated INFO never throws and always yields a parsable exposition with up 1', () => checkMutatedInfo(subject));
  test('promtool accepts the exposition of mutated INFO', () => checkMutatedInfoWithPromtool(subject));
  test('collectors that send their own commands survive arbitrary replies, three scrapes in a row', () => checkArbitraryReplies(subject));
});
