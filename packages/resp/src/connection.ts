import type { ConnectionOptions } from 'node:tls';
import { type FlagSpec, type ParsedFlags, readFileOrFail, readSecretFile } from '@keepwatch/core/cli';
import { KeepwatchError } from '@keepwatch/core/errors';
import type { TargetEntry } from '@keepwatch/core/targets';
import { parseRespAddress, type RespAddress, type RespEngine } from './address.ts';

/** The target flags every Redis-protocol exporter takes, named after its engine: --<engine>.addr, .user, ... */
export function connectionFlags(engine: RespEngine): FlagSpec[] {
  const name = engine.name;
  const schemes = Object.entries(engine.schemes)
    .map(([scheme, tls]) => `${scheme}//${tls ? ' (TLS)' : ''}`)
    .join(', ');
  return [
    {
      name: `${name}.addr`,
      kind: 'string',
      default: 'redis://localhost:6379',
      help: `Server address: ${schemes}, unix:///path or host:port; a /N database number is accepted and ignored (everything read is server-wide).`,
    },
    { name: `${name}.user`, kind: 'string', help: 'ACL user to authenticate as (default: the default user).' },
    {
      name: `${name}.password-file`,
      kind: 'string',
      secretFile: true,
      help: `File holding the password (one trailing newline ignored). Without it, the ${name.toUpperCase()}_PASSWORD environment variable is used.`,
    },
    { name: `${name}.tls.ca-file`, kind: 'string', help: 'CA bundle to verify the server certificate (default: system CAs).' },
    { name: `${name}.tls.cert-file`, kind: 'string', help: 'Client certificate for mutual TLS.' },
    { name: `${name}.tls.key-file`, kind: 'string', secretFile: true, help: 'Client private key for mutual TLS.' },
    { name: `${name}.tls.server-name`, kind: 'string', help: 'Name expected in the server certificate and sent as SNI (default: the host).' },
    { name: `${name}.tls.insecure-skip-verify`, kind: 'boolean', default: false, help: 'Do not verify the server certificate. Only for testing.' },
  ];
}

export interface ConnectionSettings {
  readonly address: RespAddress;
  readonly username?: string;
  readonly password?: string;
  readonly tls?: ConnectionOptions;
}

/** Reads the connection flags once at startup; every mistake is one KW_ERR_FLAG line naming the flag. */
export function connectionSettings(flags: ParsedFlags, env: NodeJS.ProcessEnv, engine: RespEngine): ConnectionSettings {
  const name = engine.name;
  const address = parseRespAddress(String(flags.get(`${name}.addr`)), engine);
  const passwordFile = flags.get(`${name}.password-file`) as string | undefined;
  const password = passwordFile === undefined ? env[`${name.toUpperCase()}_PASSWORD`] : readSecretFile(passwordFile, `--${name}.password-file`);
  const username = (flags.get(`${name}.user`) as string | undefined) ?? address.username;
  const file = (flag: string) => {
    const path = flags.get(`${name}.${flag}`) as string | undefined;
    return path === undefined ? undefined : readFileOrFail(path, `--${name}.${flag}`);
  };
  const ca = file('tls.ca-file');
  const cert = file('tls.cert-file');
  const key = file('tls.key-file');
  if ((cert === undefined) !== (key === undefined)) {
    throw new KeepwatchError('KW_ERR_FLAG', `--${name}.tls.cert-file and --${name}.tls.key-file must be given together`);
  }
  const serverName = flags.get(`${name}.tls.server-name`) as string | undefined;
  const skipVerify = flags.get(`${name}.tls.insecure-skip-verify`);
  if ((ca !== undefined || cert !== undefined || serverName !== undefined || skipVerify !== undefined) && !address.tls) {
    const tlsSchemes = Object.keys(engine.schemes).filter((scheme) => engine.schemes[scheme]);
    throw new KeepwatchError(
      'KW_ERR_FLAG',
      `TLS options given but --${name}.addr ${address.display} is not TLS; use ${tlsSchemes.map((scheme) => `${scheme}//`).join(' or ')}`,
    );
  }
  const tls = address.tls
    ? {
        ...(ca === undefined ? {} : { ca }),
        ...(cert === undefined ? {} : { cert }),
        ...(key === undefined ? {} : { key }),
        servername: serverName ?? address.host ?? '',
        rejectUnauthorized: skipVerify !== true,
      }
    : undefined;
  return {
    address,
    ...(username === undefined ? {} : { username }),
    ...(password === undefined ? {} : { password }),
    ...(tls === undefined ? {} : { tls }),
  };
}

/** The settings of one target of --scrape.config-file: its address and its auth profile, nothing from the flags. */
export function configuredTargetSettings(entry: TargetEntry, engine: RespEngine): ConnectionSettings {
  const address = parseRespAddress(entry.address, engine, { code: 'KW_ERR_TARGETS_FILE', where: `${entry.where}.address` });
  const { username = address.username, password, token, tls } = entry.credentials;
  const fail = (why: string) => new KeepwatchError('KW_ERR_TARGETS_FILE', `${entry.where}: ${why}`);
  if (token !== undefined) throw fail(`its auth profile has a token_file; ${engine.name} authenticates with username and password_file`);
  if (tls !== undefined && !address.tls) throw fail(`its auth profile has TLS options but ${address.display} is not a TLS address`);
  return {
    address,
    ...(username === undefined ? {} : { username }),
    ...(password === undefined ? {} : { password }),
    ...(address.tls
      ? {
          tls: {
            ...(tls?.ca === undefined ? {} : { ca: tls.ca }),
            ...(tls?.cert === undefined ? {} : { cert: tls.cert }),
            ...(tls?.key === undefined ? {} : { key: tls.key }),
            servername: tls?.serverName ?? address.host ?? '',
            rejectUnauthorized: tls?.insecureSkipVerify !== true,
          },
        }
      : {}),
  };
}
