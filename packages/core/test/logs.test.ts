import { createHash, createHmac } from 'node:crypto';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  symlinkSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { createEventWriter } from '../src/logs/events.ts';
import { LogFollower } from '../src/logs/follower.ts';
import { LogMonitor } from '../src/logs/monitor.ts';
import { MetricSink } from '../src/metrics/family.ts';

/** Every follower a test made, stopped after it so no file handle is left to the garbage collector. */
const followers: LogFollower[] = [];
afterEach(async () => {
  for (const follower of followers.splice(0)) await follower.stop();
});

function setup(
  options: {
    fromStart?: boolean;
    maxLineBytes?: number;
    existing?: string;
    path?: string;
    stateFile?: string;
    renameAtBytes?: number;
    removeRotated?: boolean;
  } = {},
) {
  const path = options.path ?? join(mkdtempSync(join(tmpdir(), 'keepwatch-log-')), 'engine.log');
  if (options.existing !== undefined) writeFileSync(path, options.existing);
  const lines: string[] = [];
  const follower = new LogFollower({
    path,
    fromStart: options.fromStart ?? false,
    maxLineBytes: options.maxLineBytes ?? 1024,
    pollIntervalMs: 10,
    onLine: (line) => lines.push(line),
    ...(options.stateFile === undefined ? {} : { stateFile: options.stateFile }),
    ...(options.renameAtBytes === undefined ? {} : { renameAtBytes: options.renameAtBytes }),
    ...(options.removeRotated === undefined ? {} : { removeRotated: options.removeRotated }),
  });
  followers.push(follower);
  return { path, lines, follower };
}

/** A deterministic pseudo-random sequence, so "concurrent" interleavings are reproducible. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('the log follower', () => {
  test('starts at the end (as it was when the follower was made) by default, at the beginning on request', async () => {
    const atEnd = setup({ existing: 'old 1\nold 2\n' });
    // Written before the first poll, after the follower was made: new, not skipped.
    appendFileSync(atEnd.path, 'new 1\n');
    await atEnd.follower.poll();
    appendFileSync(atEnd.path, 'new 2\n');
    await atEnd.follower.poll();
    expect(atEnd.lines).toEqual(['new 1', 'new 2']);

    const fromStart = setup({ fromStart: true, existing: 'old 1\nold 2\n' });
    await fromStart.follower.poll();
    expect(fromStart.lines).toEqual(['old 1', 'old 2']);
  });

  test('a path that was briefly a directory: unhealthy meanwhile, then the file that replaces it is followed from its first line', async () => {
    const { path, lines, follower } = setup({ existing: '' });
    await follower.poll();
    expect(follower.stats.healthy).toBe(true);
    appendFileSync(path, 'before\n');
    await follower.poll();
    rmSync(path);
    mkdirSync(path);
    // A directory opens fine on Linux and then fails every read with EISDIR: it must not be followed.
    await follower.poll();
    await follower.poll();
    expect(follower.stats.healthy).toBe(false);
    rmdirSync(path);
    await follower.poll();
    expect(follower.stats.healthy).toBe(false);
    writeFileSync(path, 'after 1\nafter 2\n');
    await follower.poll();
    expect(follower.stats.healthy).toBe(true);
    appendFileSync(path, 'after 3\n');
    await follower.poll();
    expect(lines).toEqual(['before', 'after 1', 'after 2', 'after 3']);
  });

  test('a file that appears late is read from its first line', async () => {
    const { path, lines, follower } = setup();
    await follower.poll();
    await follower.poll();
    writeFileSync(path, 'first\nsecond\n');
    await follower.poll();
    expect(lines).toEqual(['first', 'second']);
  });

  test('rename-and-recreate rotation under interleaved writing: every line once, in order', async () => {
    const { path, lines, follower } = setup();
    writeFileSync(path, '');
    await follower.poll();
    const next = random(7);
    const expected: string[] = [];
    for (let i = 0; i < 2000; i += 1) {
      const line = `line ${i} ${'x'.repeat(Math.floor(next() * 200))}`;
      appendFileSync(path, `${line}\n`);
      expected.push(line);
      if (next() < 0.3) await follower.poll();
      if (next() < 0.01) {
        renameSync(path, `${path}.${i}`);
        if (next() < 0.5) await follower.poll(); // sometimes the follower sees the gap before the new file
      }
    }
    await follower.poll();
    expect(lines).toEqual(expected);
    expect(follower.stats.rotations.rename).toBeGreaterThan(5);
  });

  test('renaming at a size, for an engine that opens its log by path for every line: every line once, the disk bounded', async () => {
    const { path, lines, follower } = setup({ existing: '', renameAtBytes: 4096 });
    await follower.poll();
    const expected: string[] = [];
    let largest = 0;
    for (let i = 0; i < 3000; i += 1) {
      // appendFileSync opens the path for each line, as Valkey's serverLogRaw does (valkey 8.0.1 src/server.c).
      const line = `line ${i} ${'y'.repeat(i % 50)}`;
      appendFileSync(path, `${line}\n`);
      expected.push(line);
      largest = Math.max(largest, statSync(path).size + (existsSync(`${path}.1`) ? statSync(`${path}.1`).size : 0));
      if (i % 20 === 19) await follower.poll();
    }
    await follower.poll();
    await follower.poll();
    expect(lines).toEqual(expected);
    expect(follower.stats.rotations.rename).toBeGreaterThan(10);
    // What one poll interval writes (here up to 20 lines) on top of the limit, and the previous file.
    expect(largest).toBeLessThan(2 * (4096 + 20 * 70));
  });

  test('a rename that fails is reported as such, and reading goes on', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'keepwatch-log-')), 'engine.log');
    writeFileSync(path, '');
    // A non-empty directory where the rotated file goes: rename fails even for root.
    mkdirSync(`${path}.1/in-the-way`, { recursive: true });
    const lines: string[] = [];
    const follower = new LogFollower({
      path,
      fromStart: true,
      maxLineBytes: 1024,
      pollIntervalMs: 10,
      renameAtBytes: 10,
      onLine: (line) => lines.push(line),
    });
    followers.push(follower);
    appendFileSync(path, 'a line longer than ten bytes\n');
    await expect(follower.poll()).rejects.toThrow(/cannot rename it to .*engine\.log\.1 at its size limit, so it keeps growing: /);
    appendFileSync(path, 'another\n');
    await follower.poll().catch(() => undefined);
    expect(lines).toEqual(['a line longer than ten bytes', 'another']);
  });

  test("an engine's own rotation behind a symlink (glog's <name>.INFO): each older file is read to its end, then deleted", async () => {
    const directory = mkdtempSync(join(tmpdir(), 'keepwatch-glog-'));
    const link = join(directory, 'engine.INFO');
    // glog (src/logging.cc, LogFileObject::CreateLogfile) creates a new file and repoints a relative symlink to it.
    const rotateTo = (name: string) => {
      writeFileSync(join(directory, name), '');
      if (existsSync(link)) unlinkSync(link);
      symlinkSync(name, link);
    };
    rotateTo('engine.log.INFO.1');
    const { lines, follower } = setup({ path: link, removeRotated: true });
    await follower.poll();
    const expected: string[] = [];
    for (let file = 1; file <= 5; file += 1) {
      for (let i = 0; i < 10; i += 1) {
        appendFileSync(join(directory, `engine.log.INFO.${file}`), `file ${file} line ${i}\n`);
        expected.push(`file ${file} line ${i}`);
        if (i === 4) await follower.poll();
      }
      // The engine keeps its file open and writes its last lines just before switching.
      if (file < 5) rotateTo(`engine.log.INFO.${file + 1}`);
    }
    await follower.poll();
    expect(lines).toEqual(expected);
    expect(readdirSync(directory).sort()).toEqual(['engine.INFO', 'engine.log.INFO.5']);
  });

  test('removeRotated never deletes a file it did not read to its end, nor the one the path names now', async () => {
    const { path, follower } = setup({ existing: 'one\n', removeRotated: true, fromStart: true });
    await follower.poll();
    renameSync(path, `${path}.1`);
    writeFileSync(path, 'two\n');
    await follower.poll();
    // A plain file renamed away is not where it was read: left alone. The new file is never the old one.
    expect(readFileSync(`${path}.1`, 'utf8')).toBe('one\n');
    expect(readFileSync(path, 'utf8')).toBe('two\n');
  });

  test('copytruncate rotation: nothing read twice, nothing written after the truncate lost', async () => {
    const { path, lines, follower } = setup();
    writeFileSync(path, '');
    await follower.poll();
    const expected: string[] = [];
    for (let round = 0; round < 5; round += 1) {
      for (let i = 0; i < 100; i += 1) {
        appendFileSync(path, `r${round} l${i}\n`);
        expected.push(`r${round} l${i}`);
        if (i % 7 === 0) await follower.poll();
      }
      await follower.poll();
      writeFileSync(`${path}.copy${round}`, readFileSync(path));
      truncateSync(path, 0);
    }
    await follower.poll();
    expect(lines).toEqual(expected);
    expect(follower.stats.rotations).toEqual({ rename: 0, copytruncate: 5 });
  });

  test('copytruncate where the file grows past the old position within one poll: the new lines are read, not skipped', async () => {
    const { path, lines, follower } = setup();
    writeFileSync(path, '');
    await follower.poll();
    appendFileSync(path, 'old 1\nold 2\n');
    await follower.poll();
    truncateSync(path, 0);
    const fresh = Array.from({ length: 7 }, (_, i) => `new line ${i} written right after the truncate`);
    appendFileSync(path, `${fresh.join('\n')}\n`);
    await follower.poll();
    expect(lines).toEqual(['old 1', 'old 2', ...fresh]);
    expect(follower.stats.rotations).toEqual({ rename: 0, copytruncate: 1 });
  });

  test('with a state file, a restart resumes where the last run stopped: lines written while down are read once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keepwatch-state-'));
    const stateFile = join(dir, 'position.json');
    const first = setup({ existing: 'before start\n', stateFile, path: join(dir, 'engine.log') });
    appendFileSync(first.path, 'run 1 a\nrun 1 b\n');
    await first.follower.poll();
    await first.follower.stop();
    expect(first.lines).toEqual(['run 1 a', 'run 1 b']);
    expect(statSync(stateFile).mode & 0o777).toBe(0o600);
    appendFileSync(first.path, 'while down 1\nwhile down 2\n');
    const second = setup({ stateFile, path: first.path });
    await second.follower.poll();
    appendFileSync(first.path, 'run 2\n');
    await second.follower.poll();
    expect(second.lines).toEqual(['while down 1', 'while down 2', 'run 2']);
    // Rotated while down (a new file at the path): it is read from its start.
    await second.follower.stop();
    renameSync(first.path, `${first.path}.1`);
    writeFileSync(first.path, 'new file 1\n');
    const third = setup({ stateFile, path: first.path });
    await third.follower.poll();
    expect(third.lines).toEqual(['new file 1']);
  });

  test('a partial last line waits for its end; a line that never ends is cut at the limit', async () => {
    const { path, lines, follower } = setup({ maxLineBytes: 64 });
    writeFileSync(path, '');
    await follower.poll();
    appendFileSync(path, 'half a li');
    await follower.poll();
    expect(lines).toEqual([]);
    appendFileSync(path, 'ne\n');
    await follower.poll();
    expect(lines).toEqual(['half a line']);
    appendFileSync(path, `${'y'.repeat(100_000)}\nafter\n`);
    await follower.poll();
    expect(lines).toEqual(['half a line', 'y'.repeat(64), 'after']);
    expect(follower.stats.truncatedLines).toBe(1);
  });

  test('start/stop polls on its own', async () => {
    const { path, lines, follower } = setup({ fromStart: true });
    writeFileSync(path, 'a\n');
    follower.start();
    for (let i = 0; i < 100 && lines.length === 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    await follower.stop();
    expect(lines).toEqual(['a']);
  });
});

describe('structured log events', () => {
  const record = { timestamp: 1_795_000_000, level: 'warning', message: 'Connection from 10.1.2.3:4444 aborted by alice' };
  const event = {
    rule: { event: 'security_attack', severity: 'critical' as const, pattern: /x/ },
    fields: { client: '10.1.2.3:4444', user: 'alice', kind: 'post' },
  };
  const written = (policy: 'keep' | 'hash' | 'drop', hashKey?: string) => {
    const lines: string[] = [];
    createEventWriter({ output: '-', policy, write: (line) => lines.push(line), ...(hashKey === undefined ? {} : { hashKey }) }).write('valkey', record, event);
    return JSON.parse(lines[0] ?? '{}') as { message: string; fields: Record<string, string> };
  };

  test('one JSON object per event, with engine, level, event and fields', () => {
    expect(written('keep')).toEqual({
      timestamp: new Date(record.timestamp * 1000).toISOString(),
      engine: 'valkey',
      level: 'warning',
      event: 'security_attack',
      severity: 'critical',
      message: record.message,
      fields: event.fields,
    });
  });

  test('personal data hashed or dropped, in the fields and in the message', () => {
    const hashed = written('hash');
    expect(hashed.fields.client).toMatch(/^hmac:[0-9a-f]{16}$/);
    expect(hashed.fields.kind).toBe('post');
    expect(hashed.message).toBe(`Connection from ${hashed.fields.client} aborted by ${hashed.fields.user}`);
    const dropped = written('drop');
    expect(dropped.fields).toEqual({ kind: 'post' });
    expect(dropped.message).toBe('Connection from <dropped> aborted by <dropped>');
  });

  test('hashing is a keyed HMAC: not the plain SHA-256 anyone can recompute, stable under one key, unrelated under another', () => {
    const key = 'a key from --log.events-hash-key-file';
    const one = written('hash', key).fields.client;
    expect(written('hash', key).fields.client).toBe(one);
    expect(one).toBe(`hmac:${createHmac('sha256', key).update('10.1.2.3:4444').digest('hex').slice(0, 16)}`);
    expect(one).not.toContain(createHash('sha256').update('10.1.2.3:4444').digest('hex').slice(0, 16));
    // Without a key file, a random key per start: two writers disagree.
    expect(written('hash').fields.client).not.toBe(written('hash').fields.client);
  });

  test('the events file is created 0600 (an existing one is narrowed to it) and renamed to .1 at its size limit', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keepwatch-events-'));
    const fresh = join(dir, 'fresh.jsonl');
    createEventWriter({ output: fresh, policy: 'keep' }).write('valkey', record, event);
    expect(statSync(fresh).mode & 0o777).toBe(0o600);
    const existing = join(dir, 'existing.jsonl');
    writeFileSync(existing, '', { mode: 0o644 });
    const writer = createEventWriter({ output: existing, policy: 'keep', maxBytes: 1000 });
    expect(statSync(existing).mode & 0o777).toBe(0o600);
    for (let i = 0; i < 10; i += 1) writer.write('valkey', record, event);
    const current = readFileSync(existing, 'utf8').trim().split('\n');
    const previous = readFileSync(`${existing}.1`, 'utf8').trim().split('\n');
    expect(statSync(existing).size).toBeLessThanOrEqual(1000);
    expect(statSync(`${existing}.1`).size).toBeLessThanOrEqual(1000);
    expect(current.length + previous.length).toBeLessThanOrEqual(10);
    expect(current.length).toBeGreaterThan(0);
    for (const line of [...current, ...previous]) expect(JSON.parse(line)).toMatchObject({ event: 'security_attack' });
  });
});

describe('the log monitor', () => {
  test('a failing event output is reported and does not stop the counting of later lines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keepwatch-monitor-'));
    const path = join(dir, 'engine.log');
    writeFileSync(path, 'warning boom 1\nwarning boom 2\nwarning calm\n');
    const errors: string[] = [];
    const monitor = new LogMonitor({
      engine: 'test',
      path,
      fromStart: true,
      parser: (line) => {
        const [level = '', ...rest] = line.split(' ');
        return { level, message: rest.join(' ') };
      },
      rules: [{ event: 'boom', severity: 'warning', pattern: /^boom/ }],
      events: createEventWriter({ output: dir, policy: 'keep' }), // a directory: every write fails
      onError: (reason) => errors.push(reason),
    });
    await monitor.follower.poll();
    const sink = new MetricSink('t');
    monitor.describe(sink);
    const values = Object.fromEntries(
      sink.families().flatMap((family) => family.samples.map((sample) => [`${family.name}${JSON.stringify(sample.labels)}`, sample.value])),
    );
    expect(values['t_log_events_total{"event":"boom"}']).toBe(2);
    expect(values['t_log_lines_total{"level":"warning"}']).toBe(3);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/^cannot write a log event: EISDIR/);
  });
});
