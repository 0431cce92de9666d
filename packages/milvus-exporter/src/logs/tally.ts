import type { LogRecord, LogTally, LogTallySpec } from '@keepwatch/core/logs';
import { counter, LabelCap, type MetricSink } from '@keepwatch/core/metrics';
import { accessRefusal } from './access-log.ts';

const metrics = {
  requests: counter('access_requests_total', 'Requests in the proxy access log, by gRPC method (or REST path) and status.', ['method', 'status']),
  authFailures: counter(
    'access_auth_failures_total',
    'Requests rejected as unauthenticated (gRPC GrpcUnauthenticated; REST HttpError401, or Failed with code 1800 or 1400), by user name.',
    ['user'],
  ),
  denied: counter(
    'access_permission_denied_total',
    'Requests rejected for a missing privilege (gRPC GrpcPermissionDenied; REST HttpError403, or Failed with code 1401), by user name.',
    ['user'],
  ),
  rateLimited: counter('access_rate_limited_total', 'Requests rejected by the rate limiter (code 8), by method.', ['method']),
  quotaRejected: counter('access_quota_rejected_total', 'Requests rejected by a quota or force-deny (code 9), by method.', ['method']),
  errors: counter('access_errors_total', 'Requests that did not succeed, by Milvus error code (65535: auth, permission and other unexpected errors).', [
    'code',
  ]),
};

/** Label caps: methods and statuses are a fixed set on a sound server, but REST paths and user names are client-chosen. */
export const accessLabelLimits = { method: 100, status: 30, code: 50 } as const;

class Counts {
  readonly #values = new Map<string, { labels: Record<string, string>; count: number }>();

  add(labels: Record<string, string>): void {
    const key = JSON.stringify(labels);
    const entry = this.#values.get(key);
    if (entry === undefined) this.#values.set(key, { labels, count: 1 });
    else entry.count += 1;
  }

  emit(sink: MetricSink, descriptor: (typeof metrics)[keyof typeof metrics]): void {
    for (const { labels, count } of this.#values.values()) sink.emit(descriptor, count, labels);
  }
}

/** The access log as counters: who fails to authenticate, who is denied, what is rate limited. */
export function accessTally(maxUsers: number): LogTallySpec {
  return {
    metrics: Object.values(metrics),
    create(): LogTally {
      const caps = {
        method: new LabelCap(accessLabelLimits.method),
        status: new LabelCap(accessLabelLimits.status),
        code: new LabelCap(accessLabelLimits.code),
        user: new LabelCap(maxUsers),
      };
      const counts = Object.fromEntries(Object.keys(metrics).map((name) => [name, new Counts()])) as Record<keyof typeof metrics, Counts>;
      return {
        observe(record: LogRecord) {
          const line = record.attributes;
          if (line?.log !== 'access') return;
          const method = caps.method.admit(line.method ?? '');
          const status = line.status ?? '';
          counts.requests.add({ method, status: caps.status.admit(status) });
          if (status === 'Successful') return;
          counts.errors.add({ code: caps.code.admit(line.code ?? '') });
          const refusal = accessRefusal(status, line.code ?? '');
          if (refusal === 'unauthenticated') counts.authFailures.add({ user: caps.user.admit(line.user ?? '') });
          else if (refusal === 'denied') counts.denied.add({ user: caps.user.admit(line.user ?? '') });
          else if (line.code === '8') counts.rateLimited.add({ method });
          else if (line.code === '9') counts.quotaRejected.add({ method });
        },
        describe(sink: MetricSink) {
          for (const [name, descriptor] of Object.entries(metrics)) counts[name as keyof typeof metrics].emit(sink, descriptor);
        },
      };
    },
  };
}
