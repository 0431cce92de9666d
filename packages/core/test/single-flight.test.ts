import { describe, expect, test } from 'vitest';
import { singleFlight } from '../src/scrape/single-flight.ts';

describe('single flight', () => {
  test('calls while one is in flight share it; the next call after it settled starts a new one', async () => {
    let runs = 0;
    const release: (() => void)[] = [];
    const shared = singleFlight(
      (value: number) =>
        new Promise<number>((resolve) => {
          runs += 1;
          release.push(() => resolve(value * 10));
        }),
    );
    const a = shared(1);
    const b = shared(2);
    expect(runs).toBe(1);
    release[0]?.();
    expect(await Promise.all([a, b])).toEqual([10, 10]);
    const c = shared(3);
    expect(runs).toBe(2);
    release[1]?.();
    expect(await c).toBe(30);
  });

  test('a failure is shared too, and does not stick', async () => {
    let fail = true;
    const shared = singleFlight(async () => {
      if (fail) throw new Error('boom');
      return 'ok';
    });
    await expect(Promise.all([shared(), shared()])).rejects.toThrow('boom');
    fail = false;
    await expect(shared()).resolves.toBe('ok');
  });
});
