/**
 * Calls that arrive while one is in flight share its result instead of starting another: one connection
 * per target, and stateful collectors (log positions, counters of new entries) see each reply once.
 */
export function singleFlight<A extends unknown[], T>(run: (...args: A) => Promise<T>): (...args: A) => Promise<T> {
  let inflight: Promise<T> | undefined;
  return (...args) => {
    inflight ??= run(...args).finally(() => {
      inflight = undefined;
    });
    return inflight;
  };
}
