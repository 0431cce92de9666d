import { KeepwatchError } from '../errors.ts';

const defaultScrapeTimeoutSeconds = 10;

/**
 * The time budget for one scrape, from Prometheus' X-Prometheus-Scrape-Timeout-Seconds header minus a
 * safety offset, so the answer (with partial results and up 0) arrives before Prometheus gives up.
 */
export function scrapeBudgetMs(header: string | undefined, offsetSeconds: number, maxSeconds?: number): number {
  let seconds = defaultScrapeTimeoutSeconds;
  if (header !== undefined && header !== '') {
    const parsed = Number(header);
    if (!Number.isFinite(parsed) || parsed < 0) {
      throw new KeepwatchError('KW_ERR_SCRAPE_TIMEOUT_HEADER', `X-Prometheus-Scrape-Timeout-Seconds is not a number: ${JSON.stringify(header.slice(0, 32))}`);
    }
    if (parsed > 0) seconds = parsed;
  }
  if (maxSeconds !== undefined && maxSeconds > 0) seconds = Math.min(seconds, maxSeconds);
  return Math.max(100, (seconds - offsetSeconds) * 1000);
}

/** Resolves with the promise, or rejects once the signal aborts, whichever comes first. */
export function raceSignal<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
