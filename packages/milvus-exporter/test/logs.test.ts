import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classify } from '@keepwatch/core/logs';
import { readFixture, waitFor } from '@keepwatch/testing';
import { type MilvusStandin, startMilvusStandin } from '@keepwatch/testing/milvus-standin';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { accessRefusal, defaultAccessFormat } from '../src/logs/access-log.ts';
import { milvusLogParser } from '../src/logs/parser.ts';
import { milvusLogRules } from '../src/logs/rules.ts';
import { startTestExporter, type TestExporter } from './harness/exporter.ts';

const parse = milvusLogParser(defaultAccessFormat);
const eventOf = (line: string) => {
  const record = parse(line);
  return record === undefined ? undefined : classify(milvusLogRules, record.message);
};

/** 36 access lines in the 2.5 default format: 4 auth failures, 3 denials, 2 rate limits, 1 quota rejection, 5 other errors. */
const accessSample = readFixture('milvus/access_log_sample.log').trim().split('\n');

/** Main-log lines in the wording of Milvus 2.5's proxy interceptors (reference/milvus.md §4). */
const mainSample = [
  '[2025/02/06 09:14:00.001 +00:00] [INFO] [proxy/impl.go:6214] ["connect received"] [sdk_type=nodejs] [sdk_version=3.0.6] [user=exporter] [db=default]',
  '[2025/02/06 09:14:30.860 +00:00] [WARN] [proxy/authentication_interceptor.go:114] ["fail to verify password"] [username=alice]',
  '[2025/02/06 09:14:31.000 +00:00] [ERROR] [proxy/util.go:1221] ["found no credential"] [username=mallory] [error="user not found"]',
  '[2025/02/06 09:14:44.208 +00:00] [WARN] [proxy/util.go:1209] ["fail to verify apikey"] [api_key=sk-canary-secret-key] [error="invalid apikey: [sk-canary-secret-key]: invalid parameter"]',
  '[2025/02/06 09:15:03.516 +00:00] [INFO] [proxy/privilege_interceptor.go:211] ["permission deny"] [traceID=1d3f5b7d] [username=reader] [role_names="[public]"] [object_type=Global] [object_privilege=PrivilegeDropCollection] [db_name=default]',
  '{"level":"error","time":"2025/02/06 09:16:00.000 +00:00","caller":"querynodev2/server.go:120","message":"query node stopped unexpectedly","nodeID":22}',
  'not a Milvus line',
  '[2025/02/06 09:16:01.000 +00:00] [BROKEN',
];

describe('Milvus access and main log lines', () => {
  test('an access line: fields from the format, brackets inside the message, a normalised message', () => {
    const record = parse(accessSample.find((line) => line.includes('rate=0.1')) ?? '');
    expect(record).toEqual({
      level: 'warning',
      timestamp: Date.parse('2025-02-06T09:14:13.377Z') / 1000,
      message:
        'access Flush status=Failed code=8 client=tcp-10.42.6.8:33870 user=ingest msg=request is rejected by grpc RateLimiter middleware, please retry later: rate limit exceeded[rate=0.1]',
      attributes: { log: 'access', method: 'Flush', status: 'Failed', code: '8', user: 'ingest', client: 'tcp-10.42.6.8:33870' },
    });
    const query = parse(accessSample.find((line) => line.includes('doc_id in [1021')) ?? '');
    expect(query?.attributes).toMatchObject({ method: 'Query', status: 'Successful', user: 'rag-api' });
  });

  // REST lines as restful_info.go writes them: the path as method, HttpError<N> for a non-200 reply, else
  // Failed with the Milvus code (1800 ErrNeedAuthenticate, 1401 ErrPrivilegeNotPermitted).
  const rest = (user: string, path: string, status: string, code: string, msg: string) =>
    `[2025/02/06 09:20:00.000 +00:00] [ACCESS] <${user}: 10.42.7.9> ${path} [status: ${status}] [code: ${code}] [sdk: Restful] [msg: ${msg}] [traceID: 5f1c] [timeCost: 1.2ms]`;
  test.each([
    [rest('Unknown', '/v2/vectordb/collections/list', 'HttpError401', '1800', "user hasn't authenticated"), 'access_auth_failure', 'unauthenticated'],
    [rest('mallory', '/v2/vectordb/collections/list', 'Failed', '1800', "user hasn't authenticated"), 'access_auth_failure', 'unauthenticated'],
    [
      rest('reader', '/v2/vectordb/collections/drop', 'HttpError403', '1401', 'PrivilegeDropCollection: permission deny to reader in the `default` database'),
      'access_permission_denied',
      'denied',
    ],
    [rest('reader', '/v2/vectordb/collections/drop', 'Failed', '1401', 'privilege not permitted'), 'access_permission_denied', 'denied'],
    [rest('rag-api', '/v2/vectordb/entities/search', 'Failed', '65535', 'collection not loaded'), undefined, undefined],
  ])('REST access line %# -> %s', (line, expected, refusal) => {
    const record = parse(line);
    expect(record?.attributes?.log).toBe('access');
    expect(eventOf(line)?.rule.event).toBe(expected);
    expect(accessRefusal(record?.attributes?.status ?? '', record?.attributes?.code ?? '')).toBe(refusal);
  });

  test.each([
    ['<alice: tcp-10.42.7.9:51544> Connect [status: GrpcUnauthenticated]', 'access_auth_failure', { user: 'alice', client: 'tcp-10.42.7.9:51544' }],
    ['please check api key is correct', 'access_auth_failure', { user: 'Unknown', reason: 'auth check failure, please check api key is correct' }],
    ['DropCollection [status: GrpcPermissionDenied]', 'access_permission_denied', { user: 'reader', privilege: 'PrivilegeDropCollection' }],
    ['rate=500', 'access_rate_limited', { method: 'Search', user: 'rag-api' }],
    ['[code: 9]', 'access_quota_rejected', { method: 'Insert', reason: 'memory quota exceeded, please allocate more resources' }],
    ['[code: 800]', undefined, {}],
  ])('access line with %s -> %s', (needle, expected, fields) => {
    const event = eventOf(accessSample.find((line) => line.includes(needle)) ?? '');
    expect(event?.rule.event).toBe(expected);
    expect(event?.fields ?? {}).toMatchObject(fields);
  });

  test.each([
    [mainSample[1], 'password_rejected', { user: 'alice' }],
    [mainSample[2], 'unknown_user', { user: 'mallory' }],
    [mainSample[3], 'api_key_rejected', {}],
    [mainSample[4], 'permission_denied', { user: 'reader', privilege: 'PrivilegeDropCollection' }],
    [mainSample[0], undefined, {}],
  ])('main log line %s -> %s', (line, expected, fields) => {
    const event = eventOf(line ?? '');
    expect(event?.rule.event).toBe(expected);
    expect(event?.fields ?? {}).toMatchObject(fields);
  });

  test('main log: levels, text and JSON formats; an API key logged in clear never survives parsing', () => {
    expect(parse(mainSample[1] ?? '')).toMatchObject({ level: 'warning', message: 'fail to verify password username=alice' });
    expect(parse(mainSample[5] ?? '')).toMatchObject({ level: 'error', message: 'query node stopped unexpectedly nodeID=22' });
    expect(JSON.stringify(parse(mainSample[3] ?? ''))).not.toContain('sk-canary-secret-key');
    expect(mainSample.slice(6).map((line) => parse(line))).toEqual([undefined, undefined]);
  });

  test('a custom format (operators change proxy.accessLog.formatters)', () => {
    const custom = milvusLogParser('$time_now|$user_name|$user_addr|$method_name|$method_status|$error_code|$error_msg');
    expect(
      custom('2025/02/06 09:14:30.861 +00:00|alice|tcp-10.42.7.9:51544|Connect|GrpcUnauthenticated|65535|rpc error: code = Unauthenticated desc = x'),
    ).toMatchObject({ attributes: { user: 'alice', method: 'Connect', status: 'GrpcUnauthenticated', code: '65535' } });
  });

  test('any input: never throws', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary' }),
          fc.constantFrom(...accessSample, ...mainSample).map((line) => line ?? ''),
        ),
        fc.nat(),
        (line, cut) => {
          for (const candidate of [line, line.slice(0, cut % (line.length + 1))]) {
            const record = parse(candidate);
            if (record !== undefined) classify(milvusLogRules, record.message);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('a Milvus log (access and main lines interleaved, as on stdout) followed by the exporter', () => {
  let dir: string;
  let milvus: MilvusStandin;
  let exporter: TestExporter;
  const logFile = () => join(dir, 'milvus.log');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'keepwatch-milvus-log-'));
    writeFileSync(logFile(), `${mainSample[0]}\n`);
    milvus = await startMilvusStandin();
    exporter = await startTestExporter(milvus.address, [
      '--log.file',
      logFile(),
      '--log.events-output',
      join(dir, 'events.jsonl'),
      '--log.events-personal-data',
      'hash',
      '--milvus.access-log.max-users',
      '3',
    ]);
  });
  afterAll(async () => {
    await exporter.close();
    await milvus.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('requests by method and status, auth failures and denials by user (capped), rate limits, errors, events', async () => {
    appendFileSync(logFile(), `${[...accessSample, ...mainSample.slice(1)].join('\n')}\n`);
    const metrics = await waitFor(
      'log lines counted',
      async () => {
        const scraped = await exporter.scrape();
        return scraped.value('milvus_log_parse_failures_total') === 2 ? scraped : undefined;
      },
      100,
      100,
    );
    const sum = (name: string) => metrics.all(name).reduce((total, sample) => total + sample.value, 0);
    expect(sum('milvus_access_requests_total')).toBe(36);
    expect(metrics.value('milvus_access_requests_total', { method: 'Connect', status: 'GrpcUnauthenticated' })).toBe(4);
    expect(metrics.value('milvus_access_requests_total', { method: 'Search', status: 'Successful' })).toBe(1);
    expect(sum('milvus_access_auth_failures_total')).toBe(4);
    // One cap for every user label, admitted in order of first rejection: exporter (denied ListCredUsers), alice,
    // Unknown; with --milvus.access-log.max-users 3 the next one, reader, is summed under __overflow__.
    expect(metrics.value('milvus_access_auth_failures_total', { user: 'alice' })).toBe(2);
    expect(metrics.value('milvus_access_auth_failures_total', { user: 'Unknown' })).toBe(2);
    expect(sum('milvus_access_permission_denied_total')).toBe(3);
    expect(metrics.value('milvus_access_permission_denied_total', { user: 'exporter' })).toBe(1);
    expect(metrics.value('milvus_access_permission_denied_total', { user: '__overflow__' })).toBe(2);
    expect(metrics.value('milvus_access_rate_limited_total', { method: 'Flush' })).toBe(1);
    expect(metrics.value('milvus_access_rate_limited_total', { method: 'Search' })).toBe(1);
    expect(metrics.value('milvus_access_quota_rejected_total', { method: 'Insert' })).toBe(1);
    expect(sum('milvus_access_errors_total')).toBe(15);
    expect(metrics.value('milvus_access_errors_total', { code: '65535' })).toBe(8);
    expect(metrics.value('milvus_log_events_total', { event: 'access_auth_failure' })).toBe(4);
    expect(metrics.value('milvus_log_events_total', { event: 'access_permission_denied' })).toBe(3);
    expect(metrics.value('milvus_log_events_total', { event: 'password_rejected' })).toBe(1);
    expect(metrics.value('milvus_log_lines_total', { level: 'error' })).toBe(2);
    const events = readFileSync(join(dir, 'events.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { engine: string; event: string; message: string; fields: Record<string, string> });
    const failure = events.find((entry) => entry.event === 'access_auth_failure');
    expect(failure).toMatchObject({ engine: 'milvus', fields: { method: 'Connect', reason: expect.stringContaining('auth check failure') } });
    expect(failure?.fields.user).toMatch(/^hmac:[0-9a-f]{16}$/);
    expect(failure?.message).not.toContain('alice');
    expect(failure?.message).not.toContain('10.42.7.9');
    expect(readFileSync(join(dir, 'events.jsonl'), 'utf8')).not.toContain('sk-canary-secret-key');
  });
});
