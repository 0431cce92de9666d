import { type ErrorCode, KeepwatchError } from '@keepwatch/core/errors';

/** The engine an address belongs to: names its flags, env var and URL schemes (scheme -> TLS). */
export interface RespEngine {
  readonly name: string;
  readonly schemes: Readonly<Record<string, boolean>>;
  /** The environment of the exporter this one replaces, for its password: a variable, and a JSON file of address to password. */
  readonly dropInPassword?: { readonly env: string; readonly mapFileEnv: string };
}

export interface RespAddress {
  readonly tls: boolean;
  readonly host?: string;
  readonly port?: number;
  /** Unix socket path. */
  readonly path?: string;
  readonly username?: string;
  /** The address as shown in logs and on the landing page: never carries credentials. */
  readonly display: string;
}

function schemeList(engine: RespEngine): string {
  return Object.keys(engine.schemes)
    .map((scheme) => `${scheme}//`)
    .join(', ');
}

/**
 * Parses --<engine>.addr: a URL in one of the engine's schemes (redis://host:port[/db], rediss:// for TLS, ...),
 * unix:///path or a bare /path, or host:port. A password in the URL is refused: secrets come from files or
 * the environment only.
 */
export function parseRespAddress(
  input: string,
  engine: RespEngine,
  origin: { readonly code: ErrorCode; readonly where: string } = { code: 'KW_ERR_FLAG', where: `--${engine.name}.addr` },
): RespAddress {
  const fail = (why: string) => new KeepwatchError(origin.code, `${origin.where} ${JSON.stringify(redactUserinfo(input))}: ${why}`);
  if (input.startsWith('/')) return { tls: false, path: input, display: `unix://${input}` };
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(input) ? input : `redis://${input}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw fail(`not a valid address (expected ${schemeList(engine)}, unix:///path or host:port)`);
  }
  if (url.password !== '') {
    throw fail(
      origin.code === 'KW_ERR_FLAG'
        ? `contains a password; use --${engine.name}.password-file or ${engine.name.toUpperCase()}_PASSWORD instead`
        : 'contains a password; use password_file in its auth profile instead',
    );
  }
  const username = url.username === '' ? undefined : decodeURIComponent(url.username);
  if (url.protocol === 'unix:') {
    if (url.pathname === '') throw fail('unix socket address without a path');
    return { tls: false, path: url.pathname, display: `unix://${url.pathname}`, ...(username ? { username } : {}) };
  }
  const tls = engine.schemes[url.protocol];
  if (tls === undefined) throw fail(`unsupported scheme ${url.protocol.slice(0, -1)} (expected ${schemeList(engine)})`);
  const port = url.port === '' ? 6379 : Number(url.port);
  // A /N database number is accepted (redis_exporter-style addresses) and ignored: everything the exporter
  // reads is server-wide, and a SELECT would need one more ACL grant for nothing.
  const dbText = url.pathname.replace(/^\//, '');
  if (dbText !== '' && !/^\d+$/.test(dbText)) throw fail(`database ${JSON.stringify(dbText)} is not a number`);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') throw fail('no host');
  return {
    tls,
    host,
    port,
    display: `${url.protocol}//${url.host}`,
    ...(username === undefined ? {} : { username }),
  };
}

function redactUserinfo(input: string): string {
  return input.replace(/\/\/[^@/]*@/, '//<userinfo>@');
}
