import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classify } from '@keepwatch/core/logs';
import { waitFor } from '@keepwatch/testing';
import { type ServerHandle, startServer } from '@keepwatch/testing/servers';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseValkeyLogLine } from '../src/logs/parser.ts';
import { valkeyLogRules } from '../src/logs/rules.ts';
import { type Metrics, startTestExporter, type TestExporter } from './harness/exporter.ts';

const event = (message: string) => classify(valkeyLogRules, message)?.rule.event;

describe('Valkey/Redis log lines', () => {
  test.each([
    [
      '7659:M 23 Nov 2026 14:53:05.335 # Connection with primary lost.',
      { level: 'warning', message: 'Connection with primary lost.', attributes: { pid: '7659', role: 'primary' } },
    ],
    [
      '12:S 01 Jan 2026 00:00:00.000 * MASTER <-> REPLICA sync started',
      { level: 'notice', message: 'MASTER <-> REPLICA sync started', attributes: { pid: '12', role: 'replica' } },
    ],
    ['13:C 01 Jan 2026 00:00:00.000 - Client closed', { level: 'info', message: 'Client closed', attributes: { pid: '13', role: 'child' } }],
    [
      'pid=7 role=primary timestamp="2025-04-02T10:00:00.123+00:00" level=warning message="Background saving error"',
      { level: 'warning', message: 'Background saving error', timestamp: 1743588000.123, attributes: { pid: '7', role: 'primary' } },
    ],
    [
      '{"pid":7,"role":"replica","timestamp":"1743588000123","level":"info","message":"PRIMARY <-> REPLICA sync started"}',
      { level: 'info', message: 'PRIMARY <-> REPLICA sync started', timestamp: 1743588000.123, attributes: { pid: '7', role: 'replica' } },
    ],
    [
      '7659:signal-handler (1795445590) Received SIGTERM scheduling shutdown...',
      { level: 'warning', message: 'Received SIGTERM scheduling shutdown...', timestamp: 1795445590, attributes: { pid: '7659', role: 'signal-handler' } },
    ],
  ])('%s', (line, expected) => {
    expect(parseValkeyLogLine(line)).toMatchObject(expected);
  });

  test('lines in no known format are not records (counted as parse failures, never fatal)', () => {
    for (const line of ['                _._', 'garbage', '{"not":"a log"}', '{broken json', 'pid=1 level=info'])
      expect(parseValkeyLogLine(line)).toBeUndefined();
  });

  test('any input: never throws', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (line) => {
        parseValkeyLogLine(line);
        classify(valkeyLogRules, line);
      }),
      { numRuns: 2000 },
    );
  });

  test.each([
    [
      'Possible SECURITY ATTACK detected. It looks like somebody is sending POST or Host: commands to Redis. This is likely due to an attacker attempting to use Cross Protocol Scripting to compromise your Redis instance. Connection from 10.0.0.9:51234 aborted.',
      'security_attack',
    ],
    ['Connection with primary lost.', 'replication_link_lost'],
    ['Connection with master lost.', 'replication_link_lost'],
    ['MASTER timeout: no data nor PING received...', 'replication_link_lost'],
    ['PRIMARY <-> REPLICA sync started', 'replication_sync_started'],
    ['MASTER <-> REPLICA sync: Finished with success', 'replication_sync_succeeded'],
    ['Unable to AUTH to PRIMARY: -WRONGPASS invalid', 'replication_sync_failed'],
    ['Background saving error', 'save_failed'],
    ["Can't save in background: fork: Cannot allocate memory", 'fork_failed'],
    ['Write error writing append only file on disk: No space left on device', 'aof_write_error'],
    ['Client id=5 addr=10.0.0.7:40000 laddr=127.0.0.1:6379 fd=9 name= closed for overcoming of output buffer limits.', 'output_buffer_limit_closed'],
    ['Closing client that reached max query buffer length: id=5 addr=10.0.0.7:40000 laddr=x (qbuf initial bytes: "*3")', 'query_buffer_limit_closed'],
    ['Out Of Memory allocating 1048576 bytes!', 'oom'],
    ["Error loading ACL rule '+nope' for the user named 'x': Unknown command", 'acl_load_error'],
    ["User requested shutdown... (user request from 'id=3 addr=127.0.0.1:5000')", 'shutdown_requested'],
    ["REPLICAOF 10.0.0.2:6379 enabled (user request from 'id=3')", 'replicaof_changed'],
    ['Current maximum open files is 1024. maxclients has been reduced to 992 to compensate for low ulimit.', 'maxclients_reduced'],
    ['valkey 8.0.1 crashed by signal: 11, si_code: 1', 'crash'],
    ['DB saved on disk', undefined],
  ])('%s -> %s', (message, expected) => {
    expect(event(message)).toBe(expected);
  });
});

describe.each(['valkey', 'redis'] as const)('events caused on a real %s primary and replica, read from their log files', (flavour) => {
  let logs: string;
  let primary: ServerHandle;
  let replica: ServerHandle;
  let dataDir: string;
  let onPrimary: TestExporter;
  let onReplica: TestExporter;
  const eventsFile = () => join(logs, 'events.jsonl');

  beforeAll(async () => {
    logs = mkdtempSync(join(tmpdir(), 'keepwatch-valkey-logs-'));
    dataDir = mkdtempSync(join(tmpdir(), 'keepwatch-valkey-data-'));
    primary = await startServer(flavour, { args: ['--logfile', join(logs, 'primary.log'), '--dir', dataDir, '--repl-diskless-sync-delay', '0'] });
    replica = await startServer(flavour, { args: ['--logfile', join(logs, 'replica.log'), '--replicaof', '127.0.0.1', String(primary.port)] });
    await waitFor('replica in sync', async () => ((await replica.admin().info('replication')).includes('master_link_status:up') ? true : undefined));
    onPrimary = await startTestExporter([
      '--valkey.addr',
      primary.url,
      '--log.file',
      join(logs, 'primary.log'),
      '--log.from-start',
      '--log.events-output',
      eventsFile(),
      '--log.events-personal-data',
      'hash',
      '--log.events-labels',
      'cluster=test,namespace=cache',
    ]);
    onReplica = await startTestExporter(['--valkey.addr', replica.url, '--log.file', join(logs, 'replica.log')]);
  });

  afterAll(async () => {
    await onPrimary?.close();
    await onReplica?.close();
    await replica?.dispose();
    await primary?.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const count = (metrics: Metrics, name: string) => metrics.value('valkey_log_events_total', { event: name }) ?? 0;
  const eventually = (exporter: TestExporter, name: string, atLeast: number) =>
    waitFor(`${name} >= ${atLeast}`, async () => {
      const metrics = await exporter.scrape();
      return count(metrics, name) >= atLeast ? metrics : undefined;
    });

  test('every event is exported from the start, at 0; lines by level; no parse failures beyond the logo', async () => {
    const metrics = await onReplica.scrape();
    expect(count(metrics, 'security_attack')).toBe(0);
    expect(metrics.value('valkey_log_follower_bytes_read_total')).toBe(0);
  });

  test('an HTTP POST to the server port: security_attack, with the client address hashed in the JSON event', async () => {
    const socket = connect(primary.port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write('POST / HTTP/1.1\r\nHost: example\r\n\r\n');
    await new Promise((resolve) => socket.once('close', resolve));
    const metrics = await eventually(onPrimary, 'security_attack', 1);
    expect(count(metrics, 'security_attack')).toBe(1);
    await waitFor('event written', async () => (existsSync(eventsFile()) && readFileSync(eventsFile(), 'utf8').includes('security_attack') ? true : undefined));
    const attack = readFileSync(eventsFile(), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
      .find((entry) => entry.event === 'security_attack');
    expect(attack).toMatchObject({ engine: 'valkey', level: 'warning', severity: 'critical' });
    // The event names its source, so a log shipper needs no relabelling to tell servers apart.
    expect(attack.instance).toBe(primary.url);
    expect(attack.labels).toEqual({ cluster: 'test', namespace: 'cache' });
    // Valkey 8 names the peer (hashed here); Redis 7.0.15 logs "Connection aborted." without it.
    if (flavour === 'valkey') expect(attack.fields.client).toMatch(/^hmac:[0-9a-f]{16}$/);
    else expect(attack.fields).toEqual({});
    expect(attack.message).not.toMatch(/127\.0\.0\.1:\d+/);
  });

  test('a background save that fails: save_failed', async () => {
    rmSync(dataDir, { recursive: true, force: true });
    await primary.admin().bgsave();
    await eventually(onPrimary, 'save_failed', 1);
    // The server marks the save failed when it reaps the child, which may come just after the child's log line.
    const failed = await waitFor('bgsave status err', async () => {
      const metrics = await onPrimary.scrape();
      return metrics.value('valkey_rdb_last_bgsave_status') === 0 ? metrics : undefined;
    });
    expect(failed.value('valkey_rdb_last_bgsave_status')).toBe(0);
    expect(await primary.admin().info('persistence')).toContain('rdb_last_bgsave_status:err');
  });

  test('a client that overruns its output buffer limit: output_buffer_limit_closed', async () => {
    const admin = primary.admin();
    await admin.config('SET', 'client-output-buffer-limit', 'normal 1mb 0 0');
    await admin.set('big', 'v'.repeat(1024 * 1024));
    const greedy = connect(primary.port, '127.0.0.1');
    await new Promise((resolve) => greedy.once('connect', resolve));
    greedy.pause();
    greedy.write('GET big\r\n'.repeat(20));
    const metrics = await eventually(onPrimary, 'output_buffer_limit_closed', 1);
    // The INFO counter exists on Valkey 8 only; on Redis 7.0 the log is the only record of it.
    if (flavour === 'valkey') expect(metrics.value('valkey_client_output_buffer_limit_disconnections_total')).toBeGreaterThanOrEqual(1);
    greedy.destroy();
  });

  test('the primary goes away: the replica logs link loss; it comes back: sync started and succeeded', async () => {
    const before = await onReplica.scrape();
    await primary.stop();
    await eventually(onReplica, 'replication_link_lost', count(before, 'replication_link_lost') + 1);
    // The save-failure test removed the data directory; a restarted server needs it back.
    mkdirSync(dataDir, { recursive: true });
    await primary.restart();
    const after = await eventually(onReplica, 'replication_sync_succeeded', count(before, 'replication_sync_succeeded') + 1);
    expect(count(after, 'replication_sync_started')).toBeGreaterThan(count(before, 'replication_sync_started'));
    expect(after.value('valkey_log_lines_total', { level: 'notice' })).toBeGreaterThan(0);
    expect(after.value('valkey_log_last_line_timestamp_seconds')).toBeGreaterThan(Date.now() / 1000 - 3600);
  });
});

describe.each(['valkey', 'redis'] as const)('a real %s writing its log through rotation by the exporter (--log.file-max-bytes, --log.echo)', (flavour) => {
  const limit = 4096;
  const batch = 50;
  const batches = 10;
  let server: ServerHandle;
  let exporter: TestExporter;
  let logFile: string;

  beforeAll(async () => {
    logFile = join(mkdtempSync(join(tmpdir(), 'keepwatch-valkey-rotation-')), 'valkey.log');
    // DEBUG LOG writes its argument at warning level (valkey 8.0.1 src/debug.c); the command is off unless enabled.
    server = await startServer(flavour, { args: ['--logfile', logFile, '--enable-debug-command', 'yes'] });
    exporter = await startTestExporter([
      '--valkey.addr',
      server.url,
      '--log.file',
      logFile,
      '--log.from-start',
      '--log.echo',
      '--log.file-max-bytes',
      String(limit),
    ]);
  });

  afterAll(async () => {
    await exporter?.close();
    await server?.dispose();
  });

  test('every line reaches stdout once and in order, the files stay near the limit, the events are still counted', async () => {
    const echoed = () => exporter.stdout.join('').split('\n');
    const markers = () => echoed().flatMap((line) => /DEBUG LOG: marker-(\d+)$/.exec(line)?.[1] ?? []);
    let largest = 0;
    for (let from = 0; from < batches * batch; from += batch) {
      const pipeline = server.admin().pipeline();
      for (let i = from; i < from + batch; i += 1) pipeline.call('DEBUG', 'LOG', `marker-${i}`);
      await pipeline.exec();
      largest = Math.max(largest, statSync(logFile).size);
      // The next batch only once this one was read: what one poll sees stays one batch.
      await waitFor(`marker-${from + batch - 1} echoed`, async () => (markers().includes(String(from + batch - 1)) ? true : undefined));
    }
    expect(markers()).toEqual(Array.from({ length: batches * batch }, (_, i) => String(i)));
    const lineBytes = '12345:M 03 Dec 2026 03:50:00.000 # DEBUG LOG: marker-1999\n'.length;
    expect(largest).toBeLessThan(limit + batch * lineBytes);
    expect(statSync(`${logFile}.1`).size).toBeLessThan(limit + batch * lineBytes);
    const metrics = await exporter.scrape();
    expect(metrics.value('valkey_log_follower_rotations_total', { kind: 'rename' })).toBeGreaterThanOrEqual(3);
    expect(metrics.value('valkey_log_lines_total', { level: 'warning' })).toBeGreaterThanOrEqual(batches * batch);
    // The server never lost its log: it logs on into the file the exporter left at the path.
    await server.admin().call('DEBUG', 'LOG', 'after');
    await waitFor('the last line in the current file', async () => (readFileSync(logFile, 'utf8').includes('DEBUG LOG: after') ? true : undefined));
  }, 60_000);
});
