import { counter } from '../metrics/descriptor.ts';
import type { MetricSink } from '../metrics/family.ts';

const reasons = ['unauthorized', 'auth_busy', 'rate_limited', 'client_certificate', 'bad_request'] as const;
export type RefusalReason = (typeof reasons)[number];

export const httpRefusalsMetric = counter(
  'exporter_http_requests_refused_total',
  'HTTP requests the exporter refused, by reason: unauthorized (basic auth), auth_busy (too many password checks waiting), rate_limited, client_certificate (not allowed), bad_request (malformed, too large or unsupported).',
  ['reason'],
);

/**
 * Refused requests are counted, not logged at warn or error: a flood of bad logins or oversized bodies would
 * otherwise be a flood of log lines. Every reason is exported from the start, at 0.
 */
export class HttpRefusals {
  readonly #counts = new Map<RefusalReason, number>(reasons.map((reason) => [reason, 0]));

  count(reason: RefusalReason): void {
    this.#counts.set(reason, (this.#counts.get(reason) ?? 0) + 1);
  }

  describe(sink: MetricSink): void {
    for (const [reason, count] of this.#counts) sink.emit(httpRefusalsMetric, count, { reason });
  }
}
