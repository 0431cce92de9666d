import { KeepwatchError } from '../errors.ts';

const defaultScrapeTimeoutSeconds = 10;

/**
 * The shortest scrape deadline, whatever the header asks. Concurrent scrapes share one in flight, so a
 * scraper asking for 1 ms would otherwise cut short the scrape Prometheus is waiting for as well.
 */
export const minimumBudgetSeconds = 0.5;

export interface ScrapeTimeoutLimits {
  /** Subtracted from the header's timeout, so the answer arrives before the scraper gives up. */
  readonly offsetSeconds: number;
  /** --web.max-scrape-timeout: no header can ask for more (beyond 2^31 ms a Node timer fires at once). */
  readonly maxSeconds: number;
}

/**
 * The time budget for one scrape, from Prometheus' X-Prometheus-Scrape-Timeout-Seconds header minus a
 * safety offset, so the answer (with partial results and up 0) arrives before Prometheus gives up; held
 * between the minimum and --web.max-scrape-timeout.
 */
export function scrapeBudgetMs(header: string | undefined, limits: ScrapeTimeoutLimits): number {
  let seconds = defaultScrapeTimeoutSeconds;
  if (header !== undefined && header !== '') {
    const parsed = Number(header);
    if (!Number.isFinite(parsed) || parsed < 0) {
      throw new KeepwatchError('KW_ERR_SCRAPE_TIMEOUT_HEADER', `X-Prometheus-Scrape-Timeout-Seconds is not a number: ${JSON.stringify(header.slice(0, 32))}`);
    }
    if (parsed > 0) seconds = parsed;
  }
  const budget = Math.min(seconds, limits.maxSeconds) - limits.offsetSeconds;
  return Math.round(Math.max(minimumBudgetSeconds, budget) * 1000);
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
