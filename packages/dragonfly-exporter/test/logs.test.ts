import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classify } from '@keepwatch/core/logs';
import { waitFor } from '@keepwatch/testing';
import { type DragonflyStandIn, startDragonflyStandIn } from '@keepwatch/testing/dragonfly-standin';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseDragonflyLogLine } from '../src/logs/parser.ts';
import { dragonflyLogRules } from '../src/logs/rules.ts';
import { startTestExporter, type TestExporter } from './harness/exporter.ts';

const event = (message: string) => classify(dragonflyLogRules, message)?.rule.event;

/**
 * Lines as Dragonfly writes them: glog prefixes from its log files, messages in the wording of
 * src/server/replica.cc and dflycmd.cc (1.40), a CHECK failure and absl's failure signal report.
 */
const sample = [
  'I20260821 06:00:00.123456     1 init.cc:78] dragonfly running in opt mode.',
  'I20260821 06:00:00.234567     1 dfly_main.cc:798] Starting dragonfly df-v1.40.1-6f2b9c1d8e4a7f3b',
  'W20260821 06:01:12.000001    12 replica.cc:236] Error connecting to 10.0.1.5:6379 system:111',
  'W20260821 06:01:13.000002    12 replica.cc:275] Error syncing with 10.0.1.5:6379 generic:103 Software caused connection abort',
  'I20260821 06:01:14.500000    12 replica.cc:560] Started full sync with 10.0.1.5:6379',
  'I20260821 06:01:20.000000    12 replica.cc:612] Transitioned into stable sync',
  'I20260821 06:01:20.000100     9 dflycmd.cc:355] Transitioned into stable sync with replica 10.0.2.14:6379',
  'W20260821 07:00:00.000000    12 replica.cc:296] Error stable sync with 10.0.1.5:6379 system:104 Connection reset by peer',
  'E20260821 07:00:01.000000    12 replica.cc:412] Encountered different master repl id (aaa vs bbb)',
  'E20260821 07:05:00.000000     4 snapshot.cc:201] Error writing to disk: No space left on device',
  'this line has no glog prefix',
  'F20260821 08:00:00.000000     4 db_slice.cc:999] Check failed: it != db.prime.end()',
  '*** SIGSEGV received at time=1787299200 on cpu 3 ***',
  '*** Check failure stack trace: ***',
];

describe('Dragonfly log lines', () => {
  test.each([
    [
      sample[2],
      {
        level: 'warning',
        message: 'Error connecting to 10.0.1.5:6379 system:111',
        // Local time, as glog writes it: the test holds in any TZ.
        timestamp: Date.parse('2026-08-21T06:01:12.000001') / 1000,
        attributes: { thread: '12', source: 'replica.cc:236' },
      },
    ],
    [sample[9], { level: 'error', message: 'Error writing to disk: No space left on device' }],
    [sample[11], { level: 'fatal', message: 'Check failed: it != db.prime.end()' }],
    ['I0821 06:00:00.123456  1234 main.cc:10] classic glog, no year', { level: 'info', message: 'classic glog, no year' }],
    [sample[12], { level: 'fatal', timestamp: 1787299200 }],
  ])('%s', (line, expected) => {
    expect(parseDragonflyLogLine(line ?? '')).toMatchObject(expected);
  });

  test('lines of no known shape are not records (counted as parse failures, never fatal)', () => {
    for (const line of ['this line has no glog prefix', '*** Check failure stack trace: ***', 'X20260821 bad', ''])
      expect(parseDragonflyLogLine(line)).toBeUndefined();
  });

  test('any input: never throws', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (line) => {
        const record = parseDragonflyLogLine(line);
        if (record !== undefined) classify(dragonflyLogRules, record.message);
      }),
      { numRuns: 2000 },
    );
  });

  test.each([
    ['Error connecting to 10.0.1.5:6379 system:111', 'replication_connect_failed'],
    ['Error resolving dns to primary.svc generic:1', 'replication_connect_failed'],
    ['Error syncing with 10.0.1.5:6379 generic:103 Software caused connection abort', 'replication_sync_failed'],
    ['Error stable sync with 10.0.1.5:6379 system:104 Connection reset by peer', 'replication_link_lost'],
    ['Encountered different master repl id (aaa vs bbb)', 'replication_primary_changed'],
    ['Started full sync with 10.0.1.5:6379', 'replication_full_sync_started'],
    ['Starting full sync with Redis master', 'replication_full_sync_started'],
    ['Started partial sync with 10.0.1.5:6379', 'replication_partial_sync_started'],
    ['Exit stable sync', 'replication_stable_sync_exited'],
    ['Transitioned into stable sync', 'replication_stable_sync'],
    ['Transitioned into stable sync with replica 10.0.2.14:6379', 'replication_stable_sync'],
    ['Check failed: it != db.prime.end()', 'crash'],
    ['*** SIGSEGV received at time=1787299200 on cpu 3 ***', 'crash'],
    ['Starting dragonfly df-v1.40.1', undefined],
  ])('%s -> %s', (message, expected) => {
    expect(event(message)).toBe(expected);
  });
});

describe('a Dragonfly log file followed by the exporter', () => {
  let dir: string;
  let dragonfly: DragonflyStandIn;
  let exporter: TestExporter;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'keepwatch-dragonfly-log-'));
    writeFileSync(join(dir, 'dragonfly.INFO'), `${sample[0]}\n`);
    dragonfly = await startDragonflyStandIn();
    exporter = await startTestExporter([
      '--dragonfly.addr',
      dragonfly.url,
      '--log.file',
      join(dir, 'dragonfly.INFO'),
      '--log.events-output',
      join(dir, 'events.jsonl'),
      '--log.events-personal-data',
      'drop',
    ]);
  });
  afterAll(async () => {
    await exporter.close();
    await dragonfly.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('lines appended after start become level counters, events and JSON events; junk is counted, not fatal', async () => {
    const before = await exporter.scrape();
    expect(before.value('dragonfly_log_events_total', { event: 'replication_link_lost' })).toBe(0);
    appendFileSync(join(dir, 'dragonfly.INFO'), `${sample.slice(1).join('\n')}\n`);
    const metrics = await waitFor(
      'log lines counted',
      async () => {
        const scraped = await exporter.scrape();
        return scraped.value('dragonfly_log_lines_total', { level: 'fatal' }) === 2 ? scraped : undefined;
      },
      100,
      100,
    );
    expect(metrics.value('dragonfly_log_lines_total', { level: 'warning' })).toBe(3);
    expect(metrics.value('dragonfly_log_lines_total', { level: 'error' })).toBe(2);
    expect(metrics.value('dragonfly_log_lines_total', { level: 'info' })).toBe(4);
    expect(metrics.value('dragonfly_log_parse_failures_total')).toBe(2);
    expect(metrics.value('dragonfly_log_events_total', { event: 'replication_stable_sync' })).toBe(2);
    expect(metrics.value('dragonfly_log_events_total', { event: 'replication_link_lost' })).toBe(1);
    expect(metrics.value('dragonfly_log_events_total', { event: 'crash' })).toBe(2);
    expect(metrics.value('dragonfly_up')).toBe(1);
    const events = readFileSync(join(dir, 'events.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { engine: string; event: string; level: string; fields: Record<string, string> });
    expect(events.find((entry) => entry.event === 'replication_link_lost')).toMatchObject({
      engine: 'dragonfly',
      level: 'warning',
      fields: { primary: '10.0.1.5:6379' },
    });
  });
});
