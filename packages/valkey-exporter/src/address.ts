import { KeepwatchError } from '@keepwatch/core/errors';

export interface ValkeyAddress {
  readonly tls: boolean;
  readonly host?: string;
  readonly port?: number;
  /** Unix socket path. */
  readonly path?: string;
  readonly db?: number;
  readonly username?: string;
  /** The address as shown in logs and on the landing page: never carries credentials. */
  readonly display: string;
}

const schemes: Record<string, boolean> = { 'redis:': false, 'valkey:': false, 'rediss:': true, 'valkeys:': true };

/**
 * Parses --valkey.addr: redis://, rediss://, valkey://, valkeys:// URLs, unix:///path or a bare /path,
 * or host:port. A password in the URL is refused: secrets come from files or the environment only.
 */
export function parseValkeyAddress(input: string): ValkeyAddress {
  const fail = (why: string) => new KeepwatchError('KW_ERR_FLAG', `--valkey.addr ${JSON.stringify(redactUserinfo(input))}: ${why}`);
  if (input.startsWith('/')) return { tls: false, path: input, display: `unix://${input}` };
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(input) ? input : `redis://${input}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw fail('not a valid address (expected redis://host:port, rediss://, valkey://, valkeys://, unix:///path or host:port)');
  }
  if (url.password !== '') throw fail('contains a password; use --valkey.password-file or VALKEY_PASSWORD instead');
  const username = url.username === '' ? undefined : decodeURIComponent(url.username);
  if (url.protocol === 'unix:') {
    if (url.pathname === '') throw fail('unix socket address without a path');
    return { tls: false, path: url.pathname, display: `unix://${url.pathname}`, ...(username ? { username } : {}) };
  }
  const tls = schemes[url.protocol];
  if (tls === undefined) throw fail(`unsupported scheme ${url.protocol.slice(0, -1)}`);
  const port = url.port === '' ? 6379 : Number(url.port);
  const dbText = url.pathname.replace(/^\//, '');
  const db = dbText === '' ? undefined : Number(dbText);
  if (db !== undefined && !(Number.isInteger(db) && db >= 0)) throw fail(`database ${JSON.stringify(dbText)} is not a number`);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') throw fail('no host');
  return {
    tls,
    host,
    port,
    display: `${url.protocol}//${url.host}${db === undefined ? '' : `/${db}`}`,
    ...(db === undefined ? {} : { db }),
    ...(username === undefined ? {} : { username }),
  };
}

function redactUserinfo(input: string): string {
  return input.replace(/\/\/[^@/]*@/, '//<userinfo>@');
}
