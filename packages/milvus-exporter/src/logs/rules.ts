import type { ClassificationRule } from '@keepwatch/core/logs';
import { accessRefusalPattern } from './access-log.ts';

const access = (status: string) => `^access (?<method>\\S+) status=${status} code=(?<code>\\S*) client=(?<client>\\S*) user=(?<user>.*?) msg=`;

/**
 * Events from the proxy access log (normalised by the parser, whatever the format) and the main log, in the
 * wording of Milvus' source (internal/proxy authentication and privilege interceptors, merr). Most specific
 * first: the first rule that matches names the event.
 */
export const milvusLogRules: readonly ClassificationRule[] = [
  {
    event: 'access_auth_failure',
    severity: 'warning',
    pattern: new RegExp(`${access(accessRefusalPattern('unauthenticated'))}(?:rpc error: code = Unauthenticated desc = )?(?<reason>.*)$`),
    fields: ['method', 'client', 'user', 'reason'],
  },
  {
    event: 'access_permission_denied',
    severity: 'warning',
    pattern: new RegExp(`${access(accessRefusalPattern('denied'))}(?:.*?(?<privilege>Privilege\\w+): permission deny)?`),
    fields: ['method', 'client', 'user', 'privilege'],
  },
  {
    event: 'access_rate_limited',
    severity: 'warning',
    pattern: /^access (?<method>\S+) status=\S* code=8 client=(?<client>\S*) user=(?<user>.*?) msg=(?<reason>.*)$/,
    fields: ['method', 'client', 'user', 'reason'],
  },
  {
    event: 'access_quota_rejected',
    severity: 'critical',
    pattern: /^access (?<method>\S+) status=\S* code=9 client=(?<client>\S*) user=(?<user>.*?) msg=.*?(?:reason=(?<reason>[^\]]*))?\]?$/,
    fields: ['method', 'client', 'user', 'reason'],
  },
  { event: 'password_rejected', severity: 'warning', pattern: /^fail to verify password username=(?<user>\S+)/, fields: ['user'] },
  { event: 'unknown_user', severity: 'warning', pattern: /^found no credential username=(?<user>\S+)/, fields: ['user'] },
  { event: 'api_key_rejected', severity: 'warning', pattern: /^fail to verify apikey/ },
  { event: 'credentials_missing', severity: 'info', pattern: /^key not found in header/ },
  {
    event: 'permission_denied',
    severity: 'warning',
    pattern: /^permission deny\b.*? username=(?<user>\S+).*? object_privilege=(?<privilege>\S+)/,
    fields: ['user', 'privilege'],
  },
];
