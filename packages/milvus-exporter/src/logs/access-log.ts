import type { LogRecord } from '@keepwatch/core/logs';

/** The 2.4-2.6 `base` formatter (proxy.accessLog.formatters.base.format). */
export const defaultAccessFormat =
  '[$time_now] [ACCESS] <$user_name: $user_addr> $method_name [status: $method_status] [code: $error_code] [sdk: $sdk_version] [msg: $error_msg] [traceID: $trace_id] [timeCost: $time_cost]';

/** Variables the exporter reads; any other $variable in a format is matched and ignored. */
const variablePattern = /\$([a-z_]+)/g;

/** `2006/01/02 15:04:05.000 -07:00`, Milvus' time layout in both logs. */
export function parseMilvusTime(text: string): number | undefined {
  const match = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?) ([+-]\d{2}:\d{2})$/.exec(text.trim());
  if (match === null) return undefined;
  const when = Date.parse(`${match[1]}-${match[2]}-${match[3]}T${match[4]}${match[5]}`);
  return Number.isFinite(when) ? when / 1000 : undefined;
}

/**
 * Compiles an access-log format into a line matcher. Milvus writes `$error_msg` and `$method_expr` raw,
 * brackets and spaces included, so fields are not split on `] [`: each variable matches lazily up to the
 * literal text that follows it in the format, and the line may carry more after the format (the `query`
 * and `search` formatters append fields to the base one). Throws on a format without any variable.
 */
export function compileAccessFormat(format: string): (line: string) => Record<string, string> | undefined {
  const seen = new Set<string>();
  let source = '';
  let last = 0;
  for (const match of format.matchAll(variablePattern)) {
    source += escapeRegExp(format.slice(last, match.index));
    const name = match[1] as string;
    source += seen.has(name) ? '.*?' : `(?<${name}>.*?)`;
    seen.add(name);
    last = match.index + match[0].length;
  }
  if (seen.size === 0) throw new Error('the format has no $variable');
  source += escapeRegExp(format.slice(last));
  const pattern = new RegExp(`^${source}(?: .*)?$`, 's');
  return (line) => {
    const groups = pattern.exec(line)?.groups;
    return groups === undefined ? undefined : { ...groups };
  };
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * One access line as a record. The message is normalised (`access <method> status=… code=… client=… user=… msg=…`)
 * so that the classification rules hold whatever format the operator configured.
 */
export function accessRecord(fields: Record<string, string>): LogRecord {
  const status = fields.method_status ?? '';
  const attributes = {
    log: 'access',
    method: fields.method_name ?? '',
    status,
    code: fields.error_code ?? '',
    user: fields.user_name ?? '',
    client: fields.user_addr ?? '',
  };
  const timestamp = parseMilvusTime(fields.time_now ?? fields.time_start ?? fields.time_end ?? '');
  return {
    level: status === 'Successful' ? 'info' : 'warning',
    message: `access ${attributes.method} status=${status} code=${attributes.code} client=${attributes.client} user=${attributes.user} msg=${fields.error_msg ?? ''}`,
    ...(timestamp === undefined ? {} : { timestamp }),
    attributes,
  };
}

/**
 * What an access line's status and code say about authentication and privileges, for gRPC and REST alike.
 * gRPC lines carry the gRPC status (GrpcUnauthenticated, GrpcPermissionDenied). REST lines carry
 * `HttpError<N>` when the HTTP status is not 200, else `Failed` with the Milvus code
 * (internal/proxy/accesslog/info/restful_info.go MethodStatus): 401 or code 1800 (merr.ErrNeedAuthenticate)
 * or 1400 (ErrPrivilegeNotAuthenticated) is a failed login, 403 or code 1401 (ErrPrivilegeNotPermitted) a
 * denial (pkg/util/merr/errors.go).
 */
export const accessRefusals = {
  unauthenticated: { statuses: ['GrpcUnauthenticated', 'HttpError401'], failedCodes: ['1800', '1400'] },
  denied: { statuses: ['GrpcPermissionDenied', 'HttpError403'], failedCodes: ['1401'] },
} as const;

export type AccessRefusal = keyof typeof accessRefusals;

export function accessRefusal(status: string, code: string): AccessRefusal | undefined {
  for (const [kind, { statuses, failedCodes }] of Object.entries(accessRefusals) as [AccessRefusal, (typeof accessRefusals)[AccessRefusal]][]) {
    if ((statuses as readonly string[]).includes(status) || (status === 'Failed' && (failedCodes as readonly string[]).includes(code))) return kind;
  }
  return undefined;
}

/** The `status=... code=...` part of a normalised access line for one kind of refusal, as a regular expression. */
export function accessRefusalPattern(kind: AccessRefusal): string {
  const { statuses, failedCodes } = accessRefusals[kind];
  return `(?:${statuses.join('|')}|Failed(?= code=(?:${failedCodes.join('|')}) ))`;
}
