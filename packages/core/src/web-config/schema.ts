import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isYamlMapping, readFileOrFail, readYamlFile, type YamlMapping } from '../cli/secrets.ts';
import { KeepwatchError } from '../errors.ts';

export type ClientAuthType = 'NoClientCert' | 'RequestClientCert' | 'RequireAnyClientCert' | 'VerifyClientCertIfGiven' | 'RequireAndVerifyClientCert';

export interface TlsServerConfig {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly clientAuth: ClientAuthType;
  readonly clientCa?: Buffer;
  readonly clientAllowedSans: readonly string[];
  readonly minVersion: 'TLSv1.2' | 'TLSv1.3';
  readonly maxVersion: 'TLSv1.2' | 'TLSv1.3';
  /** Files whose change means the TLS context must be rebuilt. */
  readonly files: readonly string[];
}

export interface WebConfig {
  readonly tls?: TlsServerConfig;
  /** user -> bcrypt hash */
  readonly basicAuthUsers: ReadonlyMap<string, string>;
  readonly headers: Readonly<Record<string, string>>;
  readonly rateLimit?: { readonly intervalMs: number; readonly burst: number };
}

const clientAuthTypes: Record<string, ClientAuthType> = {
  NoClientCert: 'NoClientCert',
  RequestClientCert: 'RequestClientCert',
  RequireAnyClientCert: 'RequireAnyClientCert',
  RequireClientCert: 'RequireAnyClientCert',
  VerifyClientCertIfGiven: 'VerifyClientCertIfGiven',
  RequireAndVerifyClientCert: 'RequireAndVerifyClientCert',
};
const tlsVersions: Record<string, 'TLSv1.2' | 'TLSv1.3'> = { TLS12: 'TLSv1.2', TLS13: 'TLSv1.3' };
/** The exporter-toolkit allowlist: any other header is a config error. */
const allowedHeaders = ['Content-Security-Policy', 'X-Frame-Options', 'X-Content-Type-Options', 'X-XSS-Protection', 'Strict-Transport-Security'];
const knownKeys = {
  top: ['tls_server_config', 'http_server_config', 'basic_auth_users', 'rate_limit'],
  tls: [
    'cert_file',
    'key_file',
    'cert',
    'key',
    'client_auth_type',
    'client_ca_file',
    'client_ca',
    'client_allowed_sans',
    'min_version',
    'max_version',
    'cipher_suites',
    'prefer_server_cipher_suites',
    'curve_preferences',
  ],
  http: ['http2', 'headers'],
  rate: ['interval', 'burst'],
};

/** Go duration strings as used by the toolkit (`1s`, `500ms`, `1m30s`). */
export function parseDuration(text: string): number | undefined {
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  if (text === '0') return 0;
  let total = 0;
  const rest = text.replace(/(\d+(?:\.\d+)?)(ms|s|m|h)/g, (_, amount: string, unit: string) => {
    total += Number(amount) * (units[unit] ?? Number.NaN);
    return '';
  });
  return rest === '' && Number.isFinite(total) ? total : undefined;
}

/** Loads and validates a web config file, so a bad file fails at start-up with the key that is wrong. */
export function loadWebConfig(path: string): WebConfig {
  const fail = (why: string) => new KeepwatchError('KW_ERR_WEB_CONFIG', `--web.config.file ${path}: ${why}`);
  const doc = readYamlFile(path, '--web.config.file', fail);
  if (!isYamlMapping(doc)) throw fail('the top level must be a mapping');
  const unknownKey = (section: YamlMapping, known: string[], where: string) => {
    const key = Object.keys(section).find((name) => !known.includes(name));
    if (key !== undefined) throw fail(`unknown key ${where}${key}`);
  };
  unknownKey(doc, knownKeys.top, '');
  const base = dirname(resolve(path));
  const file = (name: string, key: string) => {
    const full = resolve(base, name);
    return { full, content: readFileOrFail(full, `--web.config.file ${path}: ${key}`) };
  };

  let tls: TlsServerConfig | undefined;
  const tlsDoc = doc.tls_server_config;
  if (tlsDoc !== undefined && tlsDoc !== null) {
    if (!isYamlMapping(tlsDoc)) throw fail('tls_server_config must be a mapping');
    unknownKey(tlsDoc, knownKeys.tls, 'tls_server_config.');
    if (tlsDoc.cipher_suites !== undefined || tlsDoc.curve_preferences !== undefined) {
      throw fail("tls_server_config.cipher_suites and curve_preferences are not supported; Node's defaults (TLS 1.2+ secure suites) apply");
    }
    const files: string[] = [];
    const pem = (inline: string, fileKey: string, required: boolean): Buffer | undefined => {
      const inlineValue = tlsDoc[inline];
      const fileValue = tlsDoc[fileKey];
      if (inlineValue !== undefined && fileValue !== undefined) throw fail(`tls_server_config: set ${inline} or ${fileKey}, not both`);
      if (typeof inlineValue === 'string') return Buffer.from(inlineValue);
      if (typeof fileValue === 'string' && fileValue !== '') {
        const { full, content } = file(fileValue, `tls_server_config.${fileKey}`);
        files.push(full);
        return content;
      }
      if (required) throw fail(`tls_server_config.${fileKey} is required`);
      return undefined;
    };
    const cert = pem('cert', 'cert_file', true) as Buffer;
    const key = pem('key', 'key_file', true) as Buffer;
    const clientCa = pem('client_ca', 'client_ca_file', false);
    const clientAuthText = String(tlsDoc.client_auth_type ?? 'NoClientCert');
    const clientAuth = clientAuthTypes[clientAuthText];
    if (clientAuth === undefined)
      throw fail(`tls_server_config.client_auth_type ${JSON.stringify(clientAuthText)} is not one of ${Object.keys(clientAuthTypes).join(', ')}`);
    if (clientCa !== undefined && clientAuth === 'NoClientCert')
      throw fail('tls_server_config.client_ca_file requires a client_auth_type other than NoClientCert');
    if ((clientAuth === 'RequireAndVerifyClientCert' || clientAuth === 'VerifyClientCertIfGiven') && clientCa === undefined) {
      throw fail(`tls_server_config.client_auth_type ${clientAuth} needs client_ca_file`);
    }
    const version = (key: string, fallback: string) => {
      const text = String(tlsDoc[key] ?? fallback);
      const parsed = tlsVersions[text];
      if (parsed === undefined) throw fail(`tls_server_config.${key} ${JSON.stringify(text)} is not allowed (TLS12 or TLS13; TLS below 1.2 is refused)`);
      return parsed;
    };
    const sans = tlsDoc.client_allowed_sans ?? [];
    if (!Array.isArray(sans)) throw fail('tls_server_config.client_allowed_sans must be a list');
    tls = {
      cert,
      key,
      clientAuth,
      ...(clientCa === undefined ? {} : { clientCa }),
      clientAllowedSans: sans.map(String),
      minVersion: version('min_version', 'TLS12'),
      maxVersion: version('max_version', 'TLS13'),
      files,
    };
  }

  const basicAuthUsers = new Map<string, string>();
  const users = doc.basic_auth_users;
  if (users !== undefined && users !== null) {
    if (!isYamlMapping(users)) throw fail('basic_auth_users must be a mapping of user to bcrypt hash');
    for (const [user, hash] of Object.entries(users)) {
      if (typeof hash !== 'string' || !/^\$2[abxy]?\$\d{2}\$[./A-Za-z0-9]{53}$/.test(hash)) {
        throw fail(`basic_auth_users.${user} is not a bcrypt hash (generate one with: htpasswd -nBC 10 "" | tr -d ':\\n')`);
      }
      basicAuthUsers.set(user, hash);
    }
  }

  const headers: Record<string, string> = {};
  const http = doc.http_server_config;
  if (http !== undefined && http !== null) {
    if (!isYamlMapping(http)) throw fail('http_server_config must be a mapping');
    unknownKey(http, knownKeys.http, 'http_server_config.');
    if (http.headers !== undefined) {
      if (!isYamlMapping(http.headers)) throw fail('http_server_config.headers must be a mapping');
      for (const [name, value] of Object.entries(http.headers)) {
        const canonical = allowedHeaders.find((allowed) => allowed.toLowerCase() === name.toLowerCase());
        if (canonical === undefined) throw fail(`http_server_config.headers.${name} is not allowed (allowed: ${allowedHeaders.join(', ')})`);
        headers[canonical] = String(value);
      }
    }
  }

  let rateLimit: WebConfig['rateLimit'];
  const rate = doc.rate_limit;
  if (rate !== undefined && rate !== null) {
    if (!isYamlMapping(rate)) throw fail('rate_limit must be a mapping');
    unknownKey(rate, knownKeys.rate, 'rate_limit.');
    const intervalMs = parseDuration(String(rate.interval ?? '0'));
    const burst = Number(rate.burst ?? 0);
    if (intervalMs === undefined) throw fail(`rate_limit.interval ${JSON.stringify(rate.interval)} is not a duration like 1s`);
    if (!Number.isInteger(burst) || burst < 0) throw fail('rate_limit.burst must be a non-negative integer');
    if (intervalMs > 0) rateLimit = { intervalMs, burst: Math.max(1, burst) };
  }

  return { ...(tls === undefined ? {} : { tls }), basicAuthUsers, headers, ...(rateLimit === undefined ? {} : { rateLimit }) };
}

/**
 * What identifies the current config: the config file by its content (a few hundred bytes, read per request),
 * the TLS files it names by inode, size and change time in nanoseconds. Modification times alone miss a second
 * write within one timestamp tick of the filesystem (a few ms), so an edit could go unnoticed until the next one.
 */
export function configStamp(path: string, config: WebConfig | undefined): string {
  const read = (describe: () => string) => {
    try {
      return describe();
    } catch {
      return 'missing';
    }
  };
  const content = read(() => readFileSync(path, 'latin1'));
  const tlsFiles = (config?.tls?.files ?? []).map((file) =>
    read(() => {
      const stat = statSync(file, { bigint: true });
      return `${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`;
    }),
  );
  return [content, ...tlsFiles].join(',');
}
