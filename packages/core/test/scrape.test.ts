import { describe, expect, test } from 'vitest';
import { createLogger } from '../src/log.ts';
import { gauge } from '../src/metrics/descriptor.ts';
import type { Collector, ScrapeTarget } from '../src/scrape/collector.ts';
import { scrapeBudgetMs } from '../src/scrape/deadline.ts';
import { scrape } from '../src/scrape/engine.ts';

const quietLog = () => {
  const lines: string[] = [];
  return { lines, log: createLogger({ level: 'debug', format: 'logfmt', write: (line) => lines.push(line) }) };
};

const target = (snapshot: string, delayMs = 0): ScrapeTarget<string, string> => ({
  open: async () => 'caps',
  fetch: () => new Promise((resolve) => setTimeout(() => resolve(snapshot), delayMs)),
});

describe('the scrape engine', () => {
  const good: Collector<string, string> = {
    name: 'good',
    help: '',
    metrics: [],
    defaultEnabled: true,
    collect: (snapshot, sink) => sink.emit(gauge('value', 'v'), snapshot.length),
  };
  const broken: Collector<string, string> = {
    name: 'broken',
    help: '',
    defaultEnabled: true,
    metrics: [],
    collect: (_snapshot, sink) => {
      sink.emit(gauge('half_written', 'never exported'), 1);
      throw new Error('parse error');
    },
  };
  const notApplicable: Collector<string, string> = { name: 'elsewhere', help: '', defaultEnabled: true, metrics: [], applies: () => false, collect: () => {} };

  test('a failing collector reports success 0 and exports nothing, the others and up are unaffected', async () => {
    const { log, lines } = quietLog();
    const sink = await scrape({ namespace: 'kw', target: target('abc'), collectors: [good, broken, notApplicable], budgetMs: 1000, log });
    const values = new Map(
      sink.families().flatMap((family) => family.samples.map((sample) => [`${family.name}${JSON.stringify(sample.labels)}`, sample.value])),
    );
    expect(values.get('kw_up{}')).toBe(1);
    expect(values.get('kw_value{}')).toBe(3);
    expect(values.get('kw_exporter_collector_success{"collector":"good"}')).toBe(1);
    expect(values.get('kw_exporter_collector_success{"collector":"broken"}')).toBe(0);
    expect(values.has('kw_half_written{}')).toBe(false);
    expect([...values.keys()].some((key) => key.includes('elsewhere'))).toBe(false);
    expect(lines.filter((line) => line.includes('collector broken failed'))).toHaveLength(1);
    // Durations are kept to the microsecond, not to the clock's noise.
    const durations = sink.families().filter((family) => family.name.includes('duration_seconds'));
    expect(durations.length).toBeGreaterThan(1);
    for (const sample of durations.flatMap((family) => family.samples)) expect(String(sample.value)).toMatch(/^\d+(\.\d{1,6})?$|e-[1-6]$/);
  });

  test('a collector failing midway takes back exactly its own samples, also in families another collector filled', async () => {
    const shared = gauge('shared', 'written by two collectors', ['by']);
    const own = gauge('own', 'created by the failing collector');
    const first: Collector<string, string> = { ...good, name: 'first', collect: (_snapshot, sink) => sink.emit(shared, 1, { by: 'first' }) };
    const failing: Collector<string, string> = {
      ...good,
      name: 'failing',
      collect: (_snapshot, sink) => {
        sink.emit(shared, 2, { by: 'failing' });
        sink.emit(own, 2);
        throw new Error('midway');
      },
    };
    const last: Collector<string, string> = { ...good, name: 'last', collect: (_snapshot, sink) => sink.emit(own, 3) };
    const sink = await scrape({ namespace: 'kw', target: target('abc'), collectors: [first, failing, last], budgetMs: 1000, log: quietLog().log });
    const samples = (name: string) =>
      sink
        .families()
        .find((family) => family.name === name)
        ?.samples.map((sample) => sample.value);
    expect(samples('kw_shared')).toEqual([1]);
    expect(samples('kw_own')).toEqual([3]);
  });

  test('work that overlaps the round trip runs once per scrape, also when the target cannot be reached', async () => {
    let calls = 0;
    const whileFetching = () => {
      calls += 1;
    };
    await scrape({ namespace: 'kw', target: target('abc'), collectors: [good], budgetMs: 1000, log: quietLog().log, whileFetching });
    expect(calls).toBe(1);
    const unreachable: ScrapeTarget<string, string> = { open: () => Promise.reject(new Error('refused')), fetch: async () => '' };
    await scrape({ namespace: 'kw', target: unreachable, collectors: [good], budgetMs: 1000, log: quietLog().log, whileFetching });
    expect(calls).toBe(2);
  });

  test('a target slower than the budget gives up 0 on time', async () => {
    const { log, lines } = quietLog();
    const sink = await scrape({ namespace: 'kw', target: target('abc', 5000), collectors: [good], budgetMs: 100, log });
    expect(sink.families().find((family) => family.name === 'kw_up')?.samples[0]?.value).toBe(0);
    expect(lines.some((line) => line.includes('KW_ERR_TARGET_TIMEOUT: no answer within the scrape deadline of 100 ms'))).toBe(true);
  });

  test('the budget comes from the Prometheus header minus the offset, held between the minimum and --web.max-scrape-timeout', () => {
    const limits = { offsetSeconds: 0.5, maxSeconds: 120 };
    expect(scrapeBudgetMs('10', limits)).toBe(9500);
    expect(scrapeBudgetMs(undefined, limits)).toBe(9500);
    expect(scrapeBudgetMs('0', limits)).toBe(9500);
    expect(scrapeBudgetMs('2.5', limits)).toBe(2000);
    // A scraper asking for almost nothing gets the minimum, not a deadline that fails the shared scrape.
    expect(scrapeBudgetMs('0.2', limits)).toBe(500);
    expect(scrapeBudgetMs('0.000001', limits)).toBe(500);
    // Beyond 2^31 ms a Node timer fires at once: the maximum holds whatever the header says.
    expect(scrapeBudgetMs('2147484', limits)).toBe(119_500);
    expect(scrapeBudgetMs('1e300', limits)).toBe(119_500);
    expect(() => scrapeBudgetMs('1e400', limits)).toThrow(/not a number/);
    expect(() => scrapeBudgetMs('ten', limits)).toThrow(/not a number/);
    expect(() => scrapeBudgetMs('-1', limits)).toThrow(/not a number/);
  });
});
