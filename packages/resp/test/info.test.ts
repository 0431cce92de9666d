import { MetricSink } from '@keepwatch/core/metrics';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  applyCatalogue,
  type Catalogue,
  commandStats,
  connectedReplicas,
  errorStats,
  keyspace,
  latencyPercentiles,
  parseInfo,
  parseNumber,
  parseRecord,
  recordField,
} from '../src/info/index.ts';

const sample = [
  '# Server',
  'redis_version:7.2.4',
  'server_name:valkey',
  '',
  '# Memory',
  'used_memory:1166480',
  'used_memory_peak_perc:100.18%',
  'rdb_last_bgsave_status:err',
  'mystery_field:42',
  'mem_allocator:jemalloc-5.3.0',
  '',
  '# Replication',
  'slave0:ip=::1,port=6380,state=online,offset=96,lag=0,type=replica',
  'slave1:ip=10.0.0.2,port=6381,state=wait_bgsave,offset=0,lag=1',
  '',
  '# Commandstats',
  'cmdstat_config|set:calls=2,usec=30,usec_per_call=15.00,rejected_calls=1,failed_calls=0',
  'cmdstat_get:calls=5,usec=10,usec_per_call=2.00',
  '# Errorstats',
  'errorstat_WRONGPASS:count=3',
  '# Latencystats',
  'latency_percentiles_usec_get:p50=1.003,p99=2.007,p99.9=3.007,p100=9.0',
  '# Keyspace',
  'db0:keys=10,expires=2,avg_ttl=5000,subexpiry=1',
  'db12:keys=1,expires=0,avg_ttl=0',
].join('\r\n');

describe('INFO text parsing', () => {
  const info = parseInfo(sample);

  test('sections, fields and values after the first colon', () => {
    expect(info.sections).toEqual(['server', 'memory', 'replication', 'commandstats', 'errorstats', 'latencystats', 'keyspace']);
    expect(info.get('server_name')).toBe('valkey');
    expect(info.number('used_memory')).toBe(1166480);
    expect(info.sectionOf[info.keys.indexOf('used_memory')]).toBe('memory');
  });

  test('numbers: decimals only', () => {
    expect(parseNumber('12')).toBe(12);
    expect(parseNumber('-1')).toBe(-1);
    expect(parseNumber('0.019125')).toBe(0.019125);
    for (const text of ['', '1e3', '0x10', 'jemalloc-5.3.0', '99%', 'NaN', 'Infinity', '+', '.', '-.', '1.2.3', ' 1'])
      expect(parseNumber(text)).toBeUndefined();
    const grammar = /^[-+]?(\d+\.?\d*|\.\d+)$/;
    // Exactly what the decimal means, times the power of ten, rounded once (Number reads `<text>e<exponent>` so).
    const digit = fc.constantFrom('0', '1', '2', '5', '7', '9');
    const text = fc.oneof(
      fc.string({ unit: fc.constantFrom('1', '0', '.', '-', '+', 'e', ' ', 'x') }),
      fc
        .tuple(fc.constantFrom('', '-', '+'), fc.string({ unit: digit, maxLength: 20 }), fc.constantFrom('', '.'), fc.string({ unit: digit, maxLength: 20 }))
        .map((parts) => parts.join('')),
    );
    fc.assert(
      fc.property(text, fc.constantFrom(0, -2, -3, -6, 3), (text, exponent) => {
        expect(parseNumber(text, exponent)).toBe(grammar.test(text) ? Number(`${text}e${exponent}`) : undefined);
      }),
      { numRuns: 2000 },
    );
  });

  test('replicas by name, IPv6 included, with or without type=', () => {
    expect(connectedReplicas(info)).toEqual([
      { ip: '::1', port: '6380', state: 'online', offset: 96, lag: 0 },
      { ip: '10.0.0.2', port: '6381', state: 'wait_bgsave', offset: 0, lag: 1 },
    ]);
  });

  test('commandstats with and without rejected/failed calls', () => {
    expect([...commandStats(info).values()]).toEqual([
      { command: 'config|set', calls: 2, usec: 30, rejectedCalls: 1, failedCalls: 0 },
      { command: 'get', calls: 5, usec: 10, rejectedCalls: undefined, failedCalls: undefined },
    ]);
    expect(commandStats(info).get('get')?.calls).toBe(5);
    // Read once per document: the collectors that share the records get the same map.
    expect(commandStats(info)).toBe(commandStats(info));
    expect(commandStats(parseInfo(sample))).not.toBe(commandStats(info));
  });

  test('errorstats, latency percentiles as quantiles, keyspace by attribute name', () => {
    expect(errorStats(info)).toEqual([{ prefix: 'WRONGPASS', count: 3 }]);
    const [latency] = latencyPercentiles(info);
    expect([...(latency?.quantiles ?? [])]).toEqual([
      [0.5, 0.000001003],
      [0.99, 0.000002007],
      [0.999, 0.000003007],
      [1, 0.000009],
    ]);
    expect(keyspace(info).map((entry) => [entry.db, Object.fromEntries(entry.attributes)])).toEqual([
      ['db0', { keys: 10, expires: 2, avg_ttl: 5000, subexpiry: 1 }],
      ['db12', { keys: 1, expires: 0, avg_ttl: 0 }],
    ]);
  });

  test('the scanning parser reads what splitting into lines reads, for any line endings and any text', () => {
    const bySplitting = (text: string) => {
      const fields: { section: string; key: string; value: string }[] = [];
      let section = '';
      for (const raw of text.split('\n')) {
        const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
        if (line === '') continue;
        if (line.startsWith('#')) {
          section = line.slice(1).trim().toLowerCase();
          continue;
        }
        const lastColon = section === 'errorstats' || (section === 'commandstats' && line.startsWith('unknown_'));
        const colon = lastColon ? line.lastIndexOf(':') : line.indexOf(':');
        if (colon <= 0 || fields.some((field) => field.key === line.slice(0, colon))) continue;
        fields.push({ section, key: line.slice(0, colon), value: line.slice(colon + 1) });
      }
      return fields;
    };
    const line = fc.oneof(
      fc.constantFrom('# Errorstats', '# Commandstats', '# Server', '', ':', '#', 'unknown_a:b:1', '-ERR x:y:2', 'a:b:c'),
      fc.string({ unit: fc.constantFrom('a', ':', '#', ' ', '\r', '=', ',', '_') }),
    );
    fc.assert(
      fc.property(fc.array(line), fc.constantFrom('\n', '\r\n'), fc.boolean(), (lines, eol, trailing) => {
        const text = lines.join(eol) + (trailing ? eol : '');
        const parsed = parseInfo(text);
        const expected = bySplitting(text);
        expect(parsed.keys.map((key, index) => ({ section: parsed.sectionOf[index], key, value: parsed.values[index] }))).toEqual(expected);
        // Found by key as listed, then again (the second lookup starts where the first found it).
        for (const round of [1, 2]) for (const field of expected) expect(parsed.get(field.key), `round ${round}`).toBe(field.value);
        expect(parsed.get('never a key')).toBeUndefined();
      }),
    );
  });

  test('the scanning record parser reads what splitting on commas reads, for any text', () => {
    const bySplitting = (value: string) => {
      const record = new Map<string, string>();
      for (const part of value.split(',')) {
        const eq = part.indexOf('=');
        if (eq > 0 && !record.has(part.slice(0, eq))) record.set(part.slice(0, eq), part.slice(eq + 1));
      }
      return record;
    };
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'b', '=', ',', '1', '.') }), (value) => {
        expect(parseRecord(value)).toEqual(bySplitting(value));
      }),
    );
  });

  test('one field of a record reads what the whole record reads, for any text and key', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', '=', ',', '1', '.') });
    fc.assert(
      fc.property(text, fc.string({ unit: fc.constantFrom('a', 'b', '1'), maxLength: 3 }), (value, key) => {
        expect(recordField(value, key)).toBe(parseRecord(value).get(key));
      }),
    );
  });

  test('garbage never throws', () => {
    for (const text of ['', ':', '#', 'a:b:c', '\u0000\r\n#x\r\n:y', 'slave0:', 'cmdstat_x:calls=a', 'db0:keys']) {
      const parsed = parseInfo(text);
      expect(() => [commandStats(parsed), errorStats(parsed), keyspace(parsed), latencyPercentiles(parsed), connectedReplicas(parsed)]).not.toThrow();
    }
  });
});

describe('catalogue application', () => {
  const catalogue: Catalogue = {
    fields: [
      { field: 'used_memory', metric: 'memory_used_bytes', type: 'gauge', help: 'Memory' },
      { field: 'used_memory_peak_perc', metric: 'memory_used_peak_ratio', type: 'gauge', help: 'Peak', parse: 'percent' },
      { field: 'rdb_last_bgsave_status', metric: 'rdb_last_bgsave_status', type: 'gauge', help: 'Status', parse: 'status' },
    ],
    ignored: [{ field: 'redis_version', reason: 'label' }],
    structured: [/^slave\d+$/, /^cmdstat_/, /^errorstat_/, /^latency_percentiles_usec_/, /^db\d+$/],
  };

  test('typed, scaled values; unknown numeric fields returned, not lost', () => {
    const sink = new MetricSink('ns');
    const { unknown } = applyCatalogue(parseInfo(sample), catalogue, sink, { source: 'INFO', exportUnknown: false });
    const values = Object.fromEntries(sink.families().map((family) => [family.name, family.samples[0]?.value]));
    expect(values).toEqual({ ns_memory_used_bytes: 1166480, ns_memory_used_peak_ratio: 1.0018, ns_rdb_last_bgsave_status: 0 });
    expect(sink.families()[0]?.help).toBe('Memory');
    expect(unknown).toEqual(['mystery_field']);
  });

  test('unknown fields exported untyped on request', () => {
    const sink = new MetricSink('ns');
    applyCatalogue(parseInfo(sample), catalogue, sink, { source: 'INFO', exportUnknown: true });
    const family = sink.families().find((entry) => entry.name === 'ns_info_mystery_field');
    expect(family?.type).toBe('untyped');
    expect(family?.samples).toEqual([{ labels: {}, value: 42 }]);
  });

  test('what a key means is remembered per catalogue: two catalogues in turn over the same keys each read their own', () => {
    const other: Catalogue = { fields: [{ field: 'mystery_field', metric: 'mystery', type: 'gauge', help: 'Now known' }], ignored: [], structured: [] };
    for (let round = 0; round < 2; round += 1) {
      const first = new MetricSink('ns');
      expect(applyCatalogue(parseInfo(sample), catalogue, first, { source: 'INFO', exportUnknown: false }).unknown).toEqual(['mystery_field']);
      const second = new MetricSink('ns');
      applyCatalogue(parseInfo(sample), other, second, { source: 'INFO', exportUnknown: false });
      expect(second.families().map((entry) => [entry.name, entry.samples[0]?.value])).toContainEqual(['ns_mystery', 42]);
      expect(second.families().map((entry) => entry.name)).not.toContain('ns_memory_used_bytes');
    }
  });
});
