import { MetricSink } from '@keepwatch/core/metrics';
import { parseRespAddress } from '@keepwatch/resp';
import { type AclLogEntry, AclLogTracker } from '@keepwatch/resp/collectors';
import { parseInfo } from '@keepwatch/resp/info';
import { describe, expect, test } from 'vitest';
import { latencyCollector } from '../src/collectors/latency.ts';
import { valkeyEngine } from '../src/definition.ts';

const entry = (count: number, username: string, entryId?: number, reason = 'auth'): AclLogEntry => ({
  count,
  reason,
  context: 'toplevel',
  object: 'AUTH',
  username,
  ...(entryId === undefined ? {} : { entryId }),
});
const total = (deltas: { events: number }[]) => deltas.reduce((sum, delta) => sum + delta.events, 0);

describe('ACL LOG tracking with entry ids (Redis 7.2+, Valkey)', () => {
  test('baseline first, then new entries and folded counts, each event once', () => {
    const tracker = new AclLogTracker();
    expect(tracker.observe([entry(2, 'a', 0)])).toEqual([]);
    expect(total(tracker.observe([entry(2, 'a', 0)]))).toBe(0);
    expect(tracker.observe([entry(1, 'b', 1), entry(5, 'a', 0)])).toEqual([
      { reason: 'auth', context: 'toplevel', username: 'a', events: 3 },
      { reason: 'auth', context: 'toplevel', username: 'b', events: 1 },
    ]);
    expect(tracker.lost).toBe(0);
  });

  test('entries created and gone between polls are counted as lost', () => {
    const tracker = new AclLogTracker();
    tracker.observe([entry(1, 'a', 4)]);
    expect(total(tracker.observe([entry(1, 'c', 9)]))).toBe(1);
    expect(tracker.lost).toBe(4);
  });

  test('after a server restart everything is new', () => {
    const tracker = new AclLogTracker();
    tracker.observe([entry(3, 'a', 7)]);
    tracker.restart();
    expect(total(tracker.observe([entry(2, 'a', 0)]))).toBe(2);
  });
});

describe('ACL LOG tracking without entry ids (Redis 7.0)', () => {
  test('a growing head entry, new entries in front, a repeat after the fold window', () => {
    const tracker = new AclLogTracker();
    tracker.observe([entry(1, 'a')]);
    expect(total(tracker.observe([entry(3, 'a')]))).toBe(2);
    expect(total(tracker.observe([entry(1, 'b'), entry(3, 'a')]))).toBe(1);
    // Same identity as an older entry but a new entry (count restarted at 1): new, not a decrease.
    expect(total(tracker.observe([entry(1, 'a'), entry(1, 'b'), entry(3, 'a')]))).toBe(1);
  });

  test('ACL LOG RESET: the new list shares nothing with the old one', () => {
    const tracker = new AclLogTracker();
    tracker.observe([entry(4, 'a'), entry(2, 'b')]);
    expect(total(tracker.observe([]))).toBe(0);
    expect(total(tracker.observe([entry(1, 'c')]))).toBe(1);
  });
});

describe('--valkey.addr', () => {
  test.each([
    // /N is accepted and ignored: the exporter sends no SELECT (it would need one more ACL grant for nothing).
    ['redis://db:6380/2', { tls: false, host: 'db', port: 6380, display: 'redis://db:6380' }],
    ['valkeys://db', { tls: true, host: 'db', port: 6379, display: 'valkeys://db' }],
    ['rediss://exporter@db:6390', { tls: true, host: 'db', port: 6390, username: 'exporter', display: 'rediss://db:6390' }],
    ['db.internal:6379', { tls: false, host: 'db.internal', port: 6379, display: 'redis://db.internal:6379' }],
    ['redis://[::1]:6379', { tls: false, host: '::1', port: 6379, display: 'redis://[::1]:6379' }],
    ['unix:///run/valkey.sock', { tls: false, path: '/run/valkey.sock', display: 'unix:///run/valkey.sock' }],
    ['/run/valkey.sock', { tls: false, path: '/run/valkey.sock', display: 'unix:///run/valkey.sock' }],
  ])('%s', (input, expected) => {
    expect(parseRespAddress(input, valkeyEngine)).toEqual(expected);
  });

  test.each([
    ['http://db:6379', /unsupported scheme http/],
    ['redis://:pw@db:6379', /contains a password/],
    ['redis://db:6379/x', /database "x" is not a number/],
  ])('%s is refused', (input, error) => {
    expect(() => parseRespAddress(input, valkeyEngine)).toThrow(error);
  });
});

describe('LATENCY LATEST', () => {
  test('entries that repeat an event name, or are not [name, time, latest, max] with numbers, are skipped: one series per event', () => {
    const sink = new MetricSink('valkey');
    const reply = [
      ['command', 1787312000, 120, 250],
      ['command', 1787312001, 5, 5],
      ['fork', 'soon', 1, 1],
      'not an entry',
      ['aof-fsync-always', '1787312002', '30', '40'],
    ];
    latencyCollector.collect(
      {
        caps: { server: 'valkey', version: '8.0.1', versionNumber: 80001, clusterEnabled: false, sentinel: false },
        info: parseInfo(''),
        reply: () => reply,
        explored: () => undefined,
      },
      sink,
    );
    const series = (name: string) =>
      sink
        .families()
        .find((candidate) => candidate.name === name)
        ?.samples.map((sample) => [sample.labels.event_name, sample.value]);
    expect(series('valkey_latency_spike_last_timestamp_seconds')).toEqual([
      ['command', 1787312000],
      ['aof-fsync-always', 1787312002],
    ]);
    // An entry with one bad number is skipped whole, not exported in part.
    expect(series('valkey_latency_spike_duration_seconds')).toEqual([
      ['command', 0.12],
      ['aof-fsync-always', 0.03],
    ]);
  });
});
