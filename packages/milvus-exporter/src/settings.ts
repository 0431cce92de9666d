import { type FlagSpec, type ParsedFlags, readSecretFile, tlsClientFlags, tlsClientFromFlags } from '@keepwatch/core/cli';
import { KeepwatchError } from '@keepwatch/core/errors';

export const defaultAddress = 'localhost:19530';

/** The connection flags: address, credentials (files or environment only), TLS, timeouts and concurrency. */
export const connectionFlags: readonly FlagSpec[] = [
  {
    name: 'milvus.address',
    kind: 'string',
    default: defaultAddress,
    help: 'Milvus proxy gRPC address: host:port, http://host:port, or https://host:port (TLS).',
  },
  { name: 'milvus.username', kind: 'string', help: 'User to authenticate as, with --milvus.password-file (when authorization is enabled).' },
  {
    name: 'milvus.password-file',
    kind: 'string',
    secretFile: true,
    help: 'File holding the password of --milvus.username (one trailing newline ignored). Without it, the MILVUS_PASSWORD environment variable is used.',
  },
  {
    name: 'milvus.token-file',
    kind: 'string',
    secretFile: true,
    help: 'File holding a token (user:password or an API key) instead of a user and password. Without it, the MILVUS_TOKEN environment variable is used.',
  },
  { name: 'milvus.tls', kind: 'boolean', default: false, help: 'Connect with TLS (implied by https:// and by the other TLS flags).' },
  ...tlsClientFlags('milvus'),
  {
    name: 'milvus.timeout',
    kind: 'number',
    default: 10,
    range: { min: 0.1, max: 3600, unit: 'seconds' },
    help: 'Upper bound in seconds for any one call; calls also end at the scrape deadline, whichever comes first.',
  },
  {
    name: 'milvus.concurrency',
    kind: 'number',
    default: 4,
    range: { min: 1, max: 64, integer: true },
    help: 'Calls in flight at once (per-collection calls run through this many connections).',
  },
];

export interface MilvusTls {
  readonly rootCert?: Buffer;
  readonly certChain?: Buffer;
  readonly privateKey?: Buffer;
  readonly serverName?: string;
  readonly skipCertCheck: boolean;
}

export interface MilvusSettings {
  /** host:port, without a scheme. */
  readonly address: string;
  readonly display: string;
  readonly username?: string;
  readonly password?: string;
  readonly token?: string;
  readonly tls?: MilvusTls;
  readonly timeoutMs: number;
  readonly concurrency: number;
}

function parseAddress(raw: string): { hostPort: string; tls: boolean } {
  // Credentials in the address would sit on the command line; the error must not repeat them either.
  if (/^(?:[a-z]+:\/\/)?[^/]*@/i.test(raw.trim())) {
    const shown = raw.trim().replace(/^((?:[a-z]+:\/\/)?)[^/]*@/i, '$1<userinfo>@');
    throw new KeepwatchError(
      'KW_ERR_FLAG',
      `--milvus.address ${JSON.stringify(shown)}: contains credentials; use --milvus.username with --milvus.password-file, or --milvus.token-file`,
    );
  }
  const match = /^(?:(https?):\/\/)?([^/\s:@]+|\[[0-9a-fA-F:.]+\]):(\d{1,5})\/?$/.exec(raw.trim());
  const port = Number(match?.[3]);
  if (match === null || port < 1 || port > 65535) {
    throw new KeepwatchError('KW_ERR_FLAG', `--milvus.address ${JSON.stringify(raw)} is not host:port, http://host:port or https://host:port`);
  }
  return { hostPort: `${match[2]}:${match[3]}`, tls: match[1] === 'https' };
}

/** Reads the connection flags once at startup; every mistake is one KW_ERR_FLAG or KW_ERR_FILE line naming the flag. */
export function milvusSettings(flags: ParsedFlags, env: Readonly<Record<string, string | undefined>>): MilvusSettings {
  const { hostPort, tls: httpsScheme } = parseAddress(flags.string('milvus.address'));
  const secret = (flag: string, variable: string) => {
    const path = flags.optionalString(flag);
    return path === undefined ? env[variable] || undefined : readSecretFile(path, `--${flag}`);
  };
  const username = flags.optionalString('milvus.username');
  const password = secret('milvus.password-file', 'MILVUS_PASSWORD');
  const token = secret('milvus.token-file', 'MILVUS_TOKEN');
  if (token !== undefined && (username !== undefined || password !== undefined)) {
    throw new KeepwatchError('KW_ERR_FLAG', 'give either a token (--milvus.token-file, MILVUS_TOKEN) or a user and password, not both');
  }
  if ((username === undefined) !== (password === undefined)) {
    throw new KeepwatchError(
      'KW_ERR_FLAG',
      username === undefined ? 'a password is set but --milvus.username is not' : '--milvus.username needs --milvus.password-file or MILVUS_PASSWORD',
    );
  }
  const { ca: rootCert, cert: certChain, key: privateKey, serverName, insecureSkipVerify } = tlsClientFromFlags(flags, 'milvus');
  const skipCertCheck = insecureSkipVerify === true;
  const useTls = httpsScheme || flags.boolean('milvus.tls') || rootCert !== undefined || certChain !== undefined || serverName !== undefined || skipCertCheck;
  const timeoutSeconds = flags.number('milvus.timeout');
  return {
    address: hostPort,
    display: `${useTls ? 'https' : 'http'}://${hostPort}`,
    ...(username === undefined ? {} : { username }),
    ...(password === undefined ? {} : { password }),
    ...(token === undefined ? {} : { token }),
    ...(useTls
      ? {
          tls: {
            ...(rootCert === undefined ? {} : { rootCert }),
            ...(certChain === undefined ? {} : { certChain }),
            ...(privateKey === undefined ? {} : { privateKey }),
            ...(serverName === undefined ? {} : { serverName }),
            skipCertCheck,
          },
        }
      : {}),
    timeoutMs: timeoutSeconds * 1000,
    concurrency: flags.number('milvus.concurrency'),
  };
}
