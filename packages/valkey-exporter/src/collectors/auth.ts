import { counter, gauge } from '@keepwatch/core/metrics';
import { errorStats } from '@keepwatch/core/redis-info';
import type { ValkeyCollector } from '../snapshot.ts';

const metrics = {
  failures: counter('auth_failures_total', 'Failed authentication attempts (INFO acl_access_denied_auth, or errorstat_WRONGPASS where absent).'),
  source: gauge('auth_failures_source_info', 'Which INFO field auth_failures_total comes from on this server; always 1.', ['source']),
};

/**
 * One auth-failure counter whatever the server version, so one alert serves all: acl_access_denied_auth
 * where the server has it (Redis 7.2+, Valkey), else errorstat_WRONGPASS (Redis 7.0), which only failed
 * AUTH/HELLO produce. Both are absolute server counters; CONFIG RESETSTAT resets the second.
 */
export const authCollector: ValkeyCollector = {
  name: 'auth',
  help: 'Failed authentications from acl_access_denied_auth, or errorstat WRONGPASS on servers without it.',
  defaultEnabled: true,
  metrics: Object.values(metrics),
  collect({ info }, sink) {
    const denied = info.number('acl_access_denied_auth');
    sink.emit(metrics.failures, denied ?? errorStats(info).find((stat) => stat.prefix === 'WRONGPASS')?.count ?? 0);
    sink.emit(metrics.source, 1, { source: denied === undefined ? 'errorstat_WRONGPASS' : 'acl_access_denied_auth' });
  },
};
