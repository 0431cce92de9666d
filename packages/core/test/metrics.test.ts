import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { counter, gauge, histogram, summary } from '../src/metrics/descriptor.ts';
import { renderExposition } from '../src/metrics/exposition.ts';
import { MetricSink } from '../src/metrics/family.ts';
import { LabelCap } from '../src/metrics/label-cap.ts';
import { labelSets, lasting } from '../src/metrics/label-sets.ts';
import { scaled } from '../src/metrics/scale.ts';
import { prometheusClientExposition } from './prom-client-reference.ts';

function sampleSink(): MetricSink {
  const sink = new MetricSink('kw');
  const calls = counter('commands_total', 'Calls.', ['cmd']);
  const latency = summary('latency_seconds', 'Latency.', ['cmd']);
  sink.emit(calls, 5, { cmd: 'get' });
  sink.emit(calls, 7, { cmd: 'config|set' });
  sink.emit(gauge('memory_used_bytes', 'Bytes "quoted" and \\ escaped.'), 1024);
  sink.emit(latency, 0.001, { cmd: 'get', quantile: '0.5' });
  sink.emit(latency, 0.01, { cmd: 'get' }, '_sum');
  sink.emit(latency, 5, { cmd: 'get' }, '_count');
  return sink;
}

describe('exposition', () => {
  test('Prometheus text format', async () => {
    expect(await renderExposition([sampleSink()], false)).toBe(
      [
        '# HELP kw_commands_total Calls.',
        '# TYPE kw_commands_total counter',
        'kw_commands_total{cmd="get"} 5',
        'kw_commands_total{cmd="config|set"} 7',
        '',
        '# HELP kw_memory_used_bytes Bytes "quoted" and \\\\ escaped.',
        '# TYPE kw_memory_used_bytes gauge',
        'kw_memory_used_bytes 1024',
        '',
        '# HELP kw_latency_seconds Latency.',
        '# TYPE kw_latency_seconds summary',
        'kw_latency_seconds{cmd="get",quantile="0.5"} 0.001',
        'kw_latency_seconds_sum{cmd="get"} 0.01',
        'kw_latency_seconds_count{cmd="get"} 5',
        '',
      ].join('\n'),
    );
  });

  test('OpenMetrics: counters keep one _total, output ends with # EOF', async () => {
    const text = await renderExposition([sampleSink()], true);
    expect(text).not.toContain('_total_total');
    expect(text).toContain('# TYPE kw_commands counter\nkw_commands_total{cmd="get"} 5');
    expect(text.endsWith('# EOF\n')).toBe(true);
  });

  test('byte for byte what prom-client prints, in both formats, escapes and special values included', async () => {
    const sink = sampleSink();
    const odd = gauge('odd', 'Help with \\ backslash\nand newline.', ['value']);
    sink.emit(odd, 0.5, { value: 'quote " backslash \\ newline \n end' });
    sink.emit(odd, -0.000001, { value: '' });
    sink.emit(odd, 1e21, { value: 'big' });
    // Client names and key prefixes are free text: UTF-8 from Latin-1, beyond the BMP, and after ASCII.
    sink.emit(odd, 2, { value: 'ascii then é, клиент, 🔑' });
    sink.emit(odd, 3, { value: 'ü' });
    // Lasting label sets are written once, then copied as bytes: the second rendering below copies them.
    sink.emit(odd, 4, lasting({ value: 'lasting " é' }));
    sink.emit(odd, 5, lasting({ value: 'lasting' }));
    // Integers are written digit by digit: the edges of that.
    for (const [value, label] of [
      [0, 'zero'],
      [-0, 'minus zero'],
      [-42, 'negative'],
      [10, 'ten'],
      [2 ** 53 - 1, 'largest safe'],
      [2 ** 53, 'unsafe'],
      [-(2 ** 53) + 1, 'smallest safe'],
    ] as const) {
      sink.emit(odd, value, { value: label });
    }
    sink.emit(counter('c_total', 'x', ['a', 'b']), 3, { a: '1', b: '2' });
    const seconds = histogram('duration_seconds', 'A histogram.', ['cmd']);
    for (const [le, count] of [
      ['0.000004', 9],
      ['0.000016', 50],
      ['+Inf', 50],
    ] as const)
      sink.emit(seconds, count, lasting({ cmd: 'set', le }), '_bucket');
    sink.emit(seconds, 0.0004, { cmd: 'set' }, '_sum');
    sink.emit(seconds, 50, { cmd: 'set' }, '_count');
    for (const openMetrics of [false, false, true, true]) {
      expect(renderExposition([sink], openMetrics)).toBe(await prometheusClientExposition(sink.families(), openMetrics));
    }
  });
});

describe('the sink refuses what would produce an invalid exposition', () => {
  test('a counter without _total, a redefined family, a bad label name, a partial label set', () => {
    const sink = new MetricSink('kw');
    expect(() => sink.emit(counter('requests', 'x'), 1)).toThrow(/must end in _total/);
    sink.emit(gauge('a', 'help one'), 1);
    expect(() => sink.emit(gauge('a', 'help two'), 1)).toThrow(/different type or help/);
    expect(() => sink.emit(gauge('b', 'x', ['bad-label']), 1, { 'bad-label': 'v' })).toThrow(/invalid label name/);
    expect(() => sink.emit(gauge('c', 'x', ['cmd', 'db']), 1, { cmd: 'get' })).toThrow(/needs labels \[cmd, db\], got \[cmd\]/);
    const seconds = histogram('h_seconds', 'x', ['cmd']);
    expect(() => sink.emit(seconds, 1, { cmd: 'get' })).toThrow(/is a histogram: its samples are _bucket, _sum and _count/);
    expect(() => sink.emit(seconds, 1, { cmd: 'get' }, '_bucket')).toThrow(/needs labels \[cmd, le\], got \[cmd\]/);
  });

  test('non-finite values are dropped, not exported as +Inf', () => {
    const sink = new MetricSink('kw');
    sink.emit(gauge('ratio', 'x'), Number.POSITIVE_INFINITY);
    sink.emit(gauge('ratio', 'x'), Number.NaN);
    expect(sink.families()).toEqual([]);
  });
});

describe('label sets made once', () => {
  test('one object per value while it is kept; past the limit it starts over and still builds the right set', () => {
    let built = 0;
    const byCommand = labelSets((cmd: string) => {
      built += 1;
      return { cmd };
    }, 2);
    const get = byCommand('get');
    expect(byCommand('get')).toBe(get);
    expect(byCommand('set')).toEqual({ cmd: 'set' });
    expect(built).toBe(2);
    expect(byCommand('info')).toEqual({ cmd: 'info' });
    expect(byCommand('get')).toEqual({ cmd: 'get' });
    expect(built).toBe(4);
  });
});

describe('scaled values', () => {
  test('a power of ten moves the decimal point: the value prints as the server printed it, shifted', () => {
    expect([scaled(291094, 1e-6), scaled(73.215, 1e-6), scaled(39.64, 0.01), scaled(3599923, 1e-3), scaled(-1, 1e-3)].map(String)).toEqual([
      '0.291094',
      '0.000073215',
      '0.3964',
      '3599.923',
      '-0.001',
    ]);
    // Not a power of ten: multiplied.
    expect(scaled(3, 1024)).toBe(3072);
    fc.assert(
      fc.property(
        fc.integer({ min: -(10 ** 12), max: 10 ** 12 }),
        fc.integer({ min: 0, max: 6 }),
        fc.constantFrom(1e-3, 1e-6, 0.01),
        (digits, decimals, scale) => {
          const printed = (digits / 10 ** decimals).toFixed(decimals);
          const shift = -Math.log10(scale);
          expect(scaled(Number(printed), scale)).toBe(Number(`${printed}e-${shift}`));
        },
      ),
    );
  });
});

describe('label caps', () => {
  test('first come, sticky, overflow value after the limit', () => {
    const cap = new LabelCap(2);
    expect(['a', 'b', 'c', 'a', 'd', 'b'].map((value) => cap.admit(value))).toEqual(['a', 'b', '__overflow__', 'a', '__overflow__', 'b']);
  });
});
