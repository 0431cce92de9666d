import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createLogger } from '@keepwatch/core/log';
import { renderExposition } from '@keepwatch/core/metrics';
import { parseInfo } from '@keepwatch/core/redis-info';
import { scrape } from '@keepwatch/core/scrape';
import type { RespSnapshot } from '@keepwatch/resp';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { ValkeyCaps } from '../src/capabilities.ts';
import { createCollectors, defaultDangerousCommands } from '../src/collectors/index.ts';
import { parseMetrics } from './harness/exporter.ts';

/** A real INFO ALL from Valkey 8.0.1 (captured from a test server), as the seed that gets mutated. */
const seed = readFileSync(new URL('./fixtures/valkey-8.0.1-info-all.txt', import.meta.url), 'utf8');
const seedLines = seed.split('\n');

const caps: ValkeyCaps = { server: 'valkey', version: '8.0.1', versionNumber: 80001, clusterEnabled: false, refused: new Map() };
const log = createLogger({ level: 'error', format: 'logfmt', write: () => {} });

/** Runs every INFO-based collector over the text, as one scrape would. */
async function exposition(infoText: string): Promise<string> {
  const collectors = createCollectors({
    exportUnknownInfoFields: true,
    dangerousCommands: defaultDangerousCommands,
    maxErrorPrefixes: 100,
    aclLogMaxUsers: 50,
    aclLogEntries: 128,
  }).filter((collector) => collector.commands === undefined);
  const snapshot: RespSnapshot<ValkeyCaps> = {
    caps,
    info: parseInfo(infoText),
    reply: () => {
      throw new Error('not part of this test');
    },
  };
  const sink = await scrape({ namespace: 'valkey', target: { open: async () => caps, fetch: async () => snapshot }, collectors, budgetMs: 1000, log });
  return renderExposition(sink.families(), false);
}

/** Mutations that real servers and broken proxies produce: odd values, cut lines, junk, duplicated keys. */
const mutatedInfo = fc
  .array(
    fc.oneof(
      fc.record({
        kind: fc.constant('value' as const),
        line: fc.nat(seedLines.length - 1),
        value: fc.oneof(fc.string(), fc.double().map(String), fc.constantFrom('', '-', 'NaN', '1e400', '99%', 'a=1,b', ',,,=')),
      }),
      fc.record({ kind: fc.constant('cut' as const), line: fc.nat(seedLines.length - 1), at: fc.nat(60) }),
      fc.record({ kind: fc.constant('junk' as const), line: fc.nat(seedLines.length - 1), text: fc.string({ unit: 'binary' }) }),
      fc.record({ kind: fc.constant('duplicate' as const), line: fc.nat(seedLines.length - 1) }),
    ),
    { maxLength: 20 },
  )
  .map((mutations) => {
    const lines = [...seedLines];
    for (const mutation of mutations) {
      const original = lines[mutation.line] ?? '';
      if (mutation.kind === 'value') lines[mutation.line] = `${original.split(':')[0]}:${mutation.value}`;
      if (mutation.kind === 'cut') lines[mutation.line] = original.slice(0, mutation.at);
      if (mutation.kind === 'junk') lines.splice(mutation.line, 0, mutation.text);
      if (mutation.kind === 'duplicate') lines.splice(mutation.line, 0, original);
    }
    return lines.join('\n');
  });

describe('robustness of INFO parsing and exposition', () => {
  test('mutated INFO never throws and always yields a parsable exposition with up 1', async () => {
    await fc.assert(
      fc.asyncProperty(mutatedInfo, async (text) => {
        const metrics = parseMetrics(await exposition(text));
        expect(metrics.value('valkey_up')).toBe(1);
        for (const sample of metrics.samples) expect(Number.isFinite(sample.value)).toBe(true);
        // Prometheus rejects a whole scrape with a repeated series.
        const series = metrics.samples.map((sample) => `${sample.name}${JSON.stringify(sample.labels)}`);
        expect(series.length - new Set(series).size).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  test('promtool accepts the exposition of mutated INFO', async () => {
    const samples = fc.sample(mutatedInfo, { numRuns: 20, seed: 42 });
    for (const text of samples) {
      const result = spawnSync('promtool', ['check', 'metrics'], { input: await exposition(text), encoding: 'utf8' });
      expect(result.status, result.stdout + result.stderr).toBe(0);
    }
  });
});
