import { spawnSync } from 'node:child_process';
import { createLogger } from '@keepwatch/core/log';
import { renderExposition } from '@keepwatch/core/metrics';
import { type Collector, scrape } from '@keepwatch/core/scrape';
import { parseInfo } from '@keepwatch/resp/info';
import fc from 'fast-check';
import { expect } from 'vitest';
import { parseMetrics } from './exporter.ts';

const log = createLogger({ level: 'error', format: 'logfmt', write: () => {} });

interface InfoSnapshot<Caps> {
  readonly caps: Caps;
  readonly info: ReturnType<typeof parseInfo>;
  reply(key: string): unknown;
}

const noReplies = () => {
  throw new Error('not part of this test');
};

/** Runs the collectors over one INFO text (and command replies, for those that send commands) as one scrape would, and renders the exposition. */
async function exposition<Caps>(
  namespace: string,
  caps: Caps,
  collectors: readonly Collector<Caps, InfoSnapshot<Caps>>[],
  infoText: string,
  reply: (key: string) => unknown = noReplies,
): Promise<string> {
  const snapshot: InfoSnapshot<Caps> = { caps, info: parseInfo(infoText), reply };
  const sink = await scrape({ namespace, target: { open: async () => caps, fetch: async () => snapshot }, collectors, budgetMs: 1000, log });
  return renderExposition([sink], false);
}

/** What any input must still give: up 1, only finite values, no repeated series (Prometheus rejects a whole scrape with one). */
function expectSoundExposition(namespace: string, text: string): void {
  const metrics = parseMetrics(text);
  expect(metrics.value(`${namespace}_up`)).toBe(1);
  for (const sample of metrics.samples) expect(Number.isFinite(sample.value), sample.name).toBe(true);
  const series = metrics.samples.map((sample) => `${sample.name}${JSON.stringify(sample.labels)}`);
  expect(series.length - new Set(series).size).toBe(0);
}

/** Mutations that real servers and broken proxies produce: odd values, cut lines, junk, duplicated keys. */
export function mutatedInfo(seed: string): fc.Arbitrary<string> {
  const seedLines = seed.split('\n');
  return fc
    .array(
      fc.oneof(
        fc.record({
          kind: fc.constant('value' as const),
          line: fc.nat(seedLines.length - 1),
          value: fc.oneof(fc.string(), fc.double().map(String), fc.constantFrom('', '-', 'NaN', '1e400', '99%', 'a=1,b', ',,,=', '1.2.3', ':7')),
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
}

export interface InfoRobustnessCase<Caps> {
  readonly namespace: string;
  readonly caps: Caps;
  /** Every collector; those that send commands beyond INFO are left out. */
  readonly collectors: readonly (Collector<Caps, InfoSnapshot<Caps>> & { commands?: unknown })[];
  /** A real (or fixture) INFO ALL reply, the seed that gets mutated. */
  readonly seed: string;
}

/** Mutated INFO never throws and always yields a parsable exposition with up 1, no repeated series, only finite values. */
export async function checkMutatedInfo<Caps>(subject: InfoRobustnessCase<Caps>, numRuns = 300): Promise<void> {
  const collectors = subject.collectors.filter((collector) => collector.commands === undefined);
  await fc.assert(
    fc.asyncProperty(mutatedInfo(subject.seed), async (text) => {
      expectSoundExposition(subject.namespace, await exposition(subject.namespace, subject.caps, collectors, text));
    }),
    { numRuns },
  );
}

/** promtool accepts the exposition of mutated INFO. */
export async function checkMutatedInfoWithPromtool<Caps>(subject: InfoRobustnessCase<Caps>, numRuns = 20): Promise<void> {
  const collectors = subject.collectors.filter((collector) => collector.commands === undefined);
  for (const text of fc.sample(mutatedInfo(subject.seed), { numRuns, seed: 42 })) {
    const result = spawnSync('promtool', ['check', 'metrics'], {
      input: await exposition(subject.namespace, subject.caps, collectors, text),
      encoding: 'utf8',
    });
    expect(result.status, result.stdout + result.stderr).toBe(0);
  }
}

/** What a RESP2 client can hand a collector for one command: strings, integers, nulls, errors, nested arrays. */
const respValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.string(),
    fc.constantFrom('', 'nopass', 'on', 'off', 'flags', 'passwords', 'no', 'yes', '-1', '1e400', 'NaN', 'count', 'reason', 'username'),
    fc.integer(),
    fc.double().map(String),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 8 }),
  ),
})).value;

/**
 * Collectors that send their own commands (ACL LOG, SLOWLOG GET, CONFIG GET, ...) given arbitrary replies,
 * three scrapes in a row (they keep state between scrapes): the scrape never throws, up stays 1, every
 * value is finite and no series repeats. A collector may fail (success 0); it may not take the scrape down.
 */
export async function checkArbitraryReplies<Caps>(subject: InfoRobustnessCase<Caps>, numRuns = 200): Promise<void> {
  const withCommands = subject.collectors.filter(
    (collector): collector is typeof collector & { commands(caps: Caps): readonly { key: string }[] } => typeof collector.commands === 'function',
  );
  const keys = [...new Set(withCommands.flatMap((collector) => collector.commands(subject.caps).map((command) => command.key)))];
  expect(keys.length).toBeGreaterThan(0);
  await fc.assert(
    fc.asyncProperty(fc.array(fc.dictionary(fc.constantFrom(...keys), respValue), { minLength: 3, maxLength: 3 }), async (scrapes) => {
      for (const replies of scrapes) {
        const reply = (key: string) => {
          if (!(key in replies)) throw new Error(`no reply for ${key}`);
          return replies[key];
        };
        expectSoundExposition(subject.namespace, await exposition(subject.namespace, subject.caps, withCommands, subject.seed, reply));
      }
    }),
    { numRuns },
  );
}
