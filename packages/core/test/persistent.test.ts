import { describe, expect, test, vi } from 'vitest';
import { KeepwatchError } from '../src/errors.ts';
import { createLogger } from '../src/log.ts';
import { MetricSink } from '../src/metrics/family.ts';
import type { Collector } from '../src/scrape/collector.ts';
import { backoffDelayMs, type Connection, PersistentTarget, reconnectBackoff } from '../src/targets/persistent.ts';

interface FakeHandle {
  readonly id: number;
  released: boolean;
  broken: boolean;
}

/** A protocol whose connections are numbered; each attempt is resolved or failed by the test. */
class FakeTarget extends PersistentTarget<string, string, Collector<string, string>, FakeHandle> {
  readonly attempts: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  readonly handles: FakeHandle[] = [];

  constructor() {
    super({ display: 'fake:1', log: createLogger({ level: 'error', format: 'logfmt', write: () => {} }) });
  }

  protected connect(): Promise<{ handle: FakeHandle; caps: string }> {
    return new Promise((resolve, reject) => {
      this.attempts.push({
        resolve: () => {
          const handle = { id: this.handles.length + 1, released: false, broken: false };
          this.handles.push(handle);
          resolve({ handle, caps: `caps-${handle.id}` });
        },
        reject,
      });
    });
  }

  protected release(handle: FakeHandle): void {
    handle.released = true;
  }

  protected override usable(handle: FakeHandle): boolean {
    return !handle.broken;
  }

  async fetch(): Promise<string> {
    return `snapshot-${this.connection().handle.id}`;
  }

  current(): Connection<FakeHandle, string> {
    return this.connection();
  }

  lose(reason: string, handle?: FakeHandle): void {
    this.drop(reason, handle);
  }

  metrics(): Record<string, number | undefined> {
    const sink = new MetricSink('x');
    this.describe(sink);
    return Object.fromEntries(sink.families().map((family) => [family.name, family.samples[0]?.value]));
  }
}

const live = () => new AbortController().signal;

describe('the persistent target', () => {
  test('one connection attempt at a time: scrapes that arrive meanwhile wait for it, even after their own deadline passed', async () => {
    const target = new FakeTarget();
    const late = new AbortController();
    const first = target.open(late.signal);
    const second = target.open(live());
    late.abort(new Error('first scrape deadline'));
    await expect(first).rejects.toThrow('first scrape deadline');
    expect(target.attempts).toHaveLength(1);
    target.attempts[0]?.resolve();
    await expect(second).resolves.toBe('caps-1');
    await expect(target.open(live())).resolves.toBe('caps-1');
    expect(target.attempts).toHaveLength(1);
    expect(target.metrics()).toMatchObject({ x_exporter_connects_total: 1 });
  });

  test('a failed attempt backs off: scrapes inside the backoff send nothing and repeat the reason with its code', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const target = new FakeTarget();
      const opening = target.open(live());
      target.attempts[0]?.reject(new KeepwatchError('KW_ERR_TARGET_AUTH', 'fake:1 rejected the credentials'));
      await expect(opening).rejects.toThrow('fake:1 rejected the credentials');
      const waiting = await target.open(live()).catch((error: unknown) => error);
      expect(waiting).toBeInstanceOf(KeepwatchError);
      expect((waiting as KeepwatchError).toLine()).toMatch(/^KW_ERR_TARGET_AUTH: fake:1 rejected the credentials \(next connection attempt in \d+ ms\)$/);
      expect(target.attempts).toHaveLength(1);
      vi.advanceTimersByTime(reconnectBackoff.initialMs);
      const retry = target.open(live());
      expect(target.attempts).toHaveLength(2);
      target.attempts[1]?.resolve();
      await expect(retry).resolves.toBe('caps-1');
      // Failed attempts are not connections.
      expect(target.metrics()).toMatchObject({ x_exporter_connects_total: 1 });
    } finally {
      vi.useRealTimers();
    }
  });

  test('backoff doubles up to its maximum, with up to half of each delay random', () => {
    expect(backoffDelayMs(1, () => 0)).toBe(reconnectBackoff.initialMs / 2);
    expect(backoffDelayMs(1, () => 1)).toBe(reconnectBackoff.initialMs);
    expect(backoffDelayMs(3, () => 1)).toBe(reconnectBackoff.initialMs * 4);
    expect(backoffDelayMs(30, () => 1)).toBe(reconnectBackoff.maxMs);
    expect(backoffDelayMs(30, () => 0)).toBe(reconnectBackoff.maxMs / 2);
  });

  test('a dropped connection is released and replaced at once, with a fresh refusal memory', async () => {
    const target = new FakeTarget();
    const opening = target.open(live());
    target.attempts[0]?.resolve();
    await opening;
    const first = target.current();
    first.refused.set('acl-log', 'NOPERM');
    target.lose('server closed it');
    expect(first.handle.released).toBe(true);
    const reopening = target.open(live());
    expect(target.attempts).toHaveLength(2);
    target.attempts[1]?.resolve();
    await expect(reopening).resolves.toBe('caps-2');
    expect(target.current().refused.size).toBe(0);
    expect(target.metrics()).toMatchObject({ x_exporter_connects_total: 2 });
  });

  test('a drop that names an older connection leaves the current one alone; an unusable connection is replaced', async () => {
    const target = new FakeTarget();
    expect(target.openNow()).toBeUndefined();
    const opening = target.open(live());
    target.attempts[0]?.resolve();
    await opening;
    const [first] = target.handles;
    target.lose('stale close event', { id: 99, released: false, broken: false });
    expect(target.openNow()).toBe('caps-1');
    await expect(target.open(live())).resolves.toBe('caps-1');
    if (first !== undefined) first.broken = true;
    // Without waiting, an unusable connection is no connection: the scrape goes through open, which replaces it.
    expect(target.openNow()).toBeUndefined();
    const reopening = target.open(live());
    expect(first?.released).toBe(true);
    target.attempts[1]?.resolve();
    await expect(reopening).resolves.toBe('caps-2');
  });

  test('close releases the connection', async () => {
    const target = new FakeTarget();
    const opening = target.open(live());
    target.attempts[0]?.resolve();
    await opening;
    await target.close();
    expect(target.handles[0]?.released).toBe(true);
    expect(() => target.current()).toThrow('not connected to fake:1');
  });
});
