import { counter, gauge } from '@keepwatch/core/metrics';
import type { RespCaps } from '../capabilities.ts';
import { errorStats, type InfoDocument } from '../info/index.ts';
import type { RespCollector } from '../snapshot.ts';

const metrics = {
  failures: counter('auth_failures_total', 'Failed authentication attempts, from the best source the server has (see auth_failures_source_info).'),
  source: gauge('auth_failures_source_info', 'Which INFO field auth_failures_total comes from on this server; always 1.', ['source']),
};

/** An INFO field (`acl_access_denied_auth`) or an errorstats prefix (`errorstat_WRONGPASS`). */
export type AuthSource = `errorstat_${string}` | (string & {});

function read(info: InfoDocument, source: AuthSource): number | undefined {
  if (!source.startsWith('errorstat_')) return info.number(source);
  const prefix = source.slice('errorstat_'.length);
  return errorStats(info).find((stat) => stat.prefix === prefix)?.count;
}

/**
 * One auth-failure counter whatever the server and version, so one alert serves all. `sources` lists, best
 * first, where this server counts failed AUTH/HELLO; the first one present is used, and when none is
 * (an errorstat before its first error) the last one counts 0. All are absolute server counters.
 */
export function authCollector<C extends RespCaps>(sources: (caps: C) => readonly [AuthSource, ...AuthSource[]]): RespCollector<C> {
  return {
    name: 'auth',
    help: 'Failed authentications: acl_access_denied_auth, or the errorstats prefix that failed AUTH produces on servers without it.',
    defaultEnabled: true,
    metrics: Object.values(metrics),
    collect({ info, caps }, sink) {
      const candidates = sources(caps);
      let source = candidates[candidates.length - 1] as AuthSource;
      let value = 0;
      for (const candidate of candidates) {
        const found = read(info, candidate);
        if (found !== undefined) {
          source = candidate;
          value = found;
          break;
        }
      }
      sink.emit(metrics.failures, value);
      sink.emit(metrics.source, 1, { source });
    },
  };
}
