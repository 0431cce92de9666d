import type { ConnectionOptions } from 'node:tls';
import { type ClientTls, type FlagSpec, type ParsedFlags, readSecretFile, targetsFile, tlsClientFlags, tlsClientFromFlags } from '@keepwatch/core/cli';
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
      help: `Server address: ${schemes}, unix:///path or host:port; a /N database number is accepted and ignored (everything read is server-wide). Empty with --scrape.config-file: /metrics serves the exporter's own metrics only.`,
    },
    { name: `${name}.user`, kind: 'string', help: 'ACL user to authenticate as (default: the default user).' },
    {
      name: `${name}.password-file`,
      kind: 'string',
      secretFile: true,
      help: `File holding the password (one trailing newline ignored). Without it, the ${name.toUpperCase()}_PASSWORD environment variable is used.`,
    },
    ...tlsClientFlags(name),
  ];
}

export interface ConnectionSettings {
  readonly address: RespAddress;
  readonly username?: string;
  readonly password?: string;
  readonly tls?: ConnectionOptions;
}

/** Node's TLS options for an address and the TLS the user gave; undefined for a plain-text address. */
function nodeTls(address: RespAddress, tls: ClientTls): ConnectionOptions | undefined {
  if (!address.tls) return undefined;
  return {
    ...(tls.ca === undefined ? {} : { ca: tls.ca }),
    ...(tls.cert === undefined ? {} : { cert: tls.cert }),
    ...(tls.key === undefined ? {} : { key: tls.key }),
    servername: tls.serverName ?? address.host ?? '',
    rejectUnauthorized: tls.insecureSkipVerify !== true,
  };
}

function settings(address: RespAddress, username: string | undefined, password: string | undefined, tls: ClientTls): ConnectionSettings {
  const options = nodeTls(address, tls);
  return {
    address,
    ...(username === undefined ? {} : { username }),
    ...(password === undefined ? {} : { password }),
    ...(options === undefined ? {} : { tls: options }),
  };
}

/**
 * Reads the connection flags once at startup; every mistake is one KW_ERR_FLAG line naming the flag.
 * Undefined for an empty address, which only multi-target mode allows: /metrics then scrapes no server.
 */
export function connectionSettings(flags: ParsedFlags, env: NodeJS.ProcessEnv, engine: RespEngine): ConnectionSettings | undefined {
  const name = engine.name;
  const addr = flags.string(`${name}.addr`);
  if (addr === '') {
    if (targetsFile(flags) !== undefined) return undefined;
    throw new KeepwatchError('KW_ERR_FLAG', `--${name}.addr is empty; an empty address is only allowed with --scrape.config-file`);
  }
  const address = parseRespAddress(addr, engine);
  const passwordFile = flags.optionalString(`${name}.password-file`);
  const password =
    passwordFile === undefined
      ? (env[`${name.toUpperCase()}_PASSWORD`] ?? dropInPassword(engine, env, address))
      : readSecretFile(passwordFile, `--${name}.password-file`);
  const username = flags.optionalString(`${name}.user`) ?? address.username;
  const tls = tlsClientFromFlags(flags, name);
  if (Object.keys(tls).length > 0 && !address.tls) {
    const tlsSchemes = Object.keys(engine.schemes).filter((scheme) => engine.schemes[scheme]);
    throw new KeepwatchError(
      'KW_ERR_FLAG',
      `TLS options given but --${name}.addr ${address.display} is not TLS; use ${tlsSchemes.map((scheme) => `${scheme}//`).join(' or ')}`,
    );
  }
  return settings(address, username, password, tls);
}

/**
 * The replaced exporter's password variables, when ours are unset: its plain variable, then its JSON file
 * mapping addresses to passwords (redis_exporter's REDIS_PASSWORD_FILE: exporter/pwd_file.go LoadPwdFile,
 * looked up by the exact address in exporter/redis.go, at v1.69.0), here by host and port, scheme and database aside.
 */
function dropInPassword(engine: RespEngine, env: NodeJS.ProcessEnv, address: RespAddress): string | undefined {
  const dropIn = engine.dropInPassword;
  if (dropIn === undefined) return undefined;
  if (env[dropIn.env] !== undefined) return env[dropIn.env];
  const mapFile = env[dropIn.mapFileEnv];
  if (mapFile === undefined) return undefined;
  const where = `${dropIn.mapFileEnv}=${mapFile}`;
  const content = readSecretFile(mapFile, dropIn.mapFileEnv);
  // The bitnami valkey and redis charts point it at a plain password file, which their default command
  // exports into REDIS_PASSWORD with bash (bitnami/charts bitnami/valkey/templates/primary/application.yaml
  // at 04a51685, bitnami/redis/templates/master/application.yaml at 03d72508); this image has no shell.
  if (!content.trimStart().startsWith('{')) return content;
  let map: unknown;
  try {
    map = JSON.parse(content);
  } catch {
    // Not the parser's message: it quotes the file's content, which is a secret.
    throw new KeepwatchError(
      'KW_ERR_FILE',
      `${where} starts with { but is not JSON; it is redis_exporter's map of address to password, e.g. {"redis://host:6379": "..."}`,
    );
  }
  if (typeof map !== 'object' || map === null || Array.isArray(map)) {
    throw new KeepwatchError('KW_ERR_FILE', `${where} is not a JSON object of address to password`);
  }
  const entries = map as Record<string, unknown>;
  const bare = (text: string) => text.replace(/^[a-z]+:\/\//, '').replace(/\/\d*$/, '');
  const found = Object.entries(entries).find(([key]) => bare(key) === bare(address.display));
  if (found === undefined || typeof found[1] !== 'string') {
    throw new KeepwatchError('KW_ERR_FILE', `${where} has no password for ${address.display} (its addresses: ${Object.keys(entries).join(', ')})`);
  }
  return found[1];
}

/** The settings of one target of --scrape.config-file: its address and its auth profile, nothing from the flags. */
export function configuredTargetSettings(entry: TargetEntry, engine: RespEngine): ConnectionSettings {
  const address = parseRespAddress(entry.address, engine, { code: 'KW_ERR_TARGETS_FILE', where: `${entry.where}.address` });
  const { username = address.username, password, tls } = entry.credentials;
  if (tls !== undefined && !address.tls) {
    throw new KeepwatchError('KW_ERR_TARGETS_FILE', `${entry.where}: its auth profile has TLS options but ${address.display} is not a TLS address`);
  }
  return settings(address, username, password, tls ?? {});
}
