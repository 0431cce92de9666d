import { dirname, resolve } from 'node:path';
import { isYamlMapping, readFileOrFail, readSecretFile, readYamlFile, type YamlMapping } from '../cli/secrets.ts';
import { assembleClientTls, type ClientTls } from '../cli/tls-client.ts';
import { KeepwatchError } from '../errors.ts';

/** What an auth profile holds, secrets already read from their files. */
export interface TargetCredentials {
  readonly username?: string;
  readonly password?: string;
  readonly tls?: ClientTls;
}

/** One entry of the targets file: an address /scrape may be asked for, and the credentials it is scraped with. */
export interface TargetEntry {
  readonly address: string;
  readonly credentials: TargetCredentials;
  /** Where the entry is, for error messages: `--scrape.config-file /etc/targets.yml: targets[2]`. */
  readonly where: string;
  /** A node of a cluster: the other nodes it reports may be scraped too, with its auth profile (engines with discovery). */
  readonly cluster?: boolean;
}

const keys = {
  top: ['auth_profiles', 'targets'],
  profile: ['username', 'password_file', 'tls'],
  tls: ['ca_file', 'cert_file', 'key_file', 'server_name', 'insecure_skip_verify'],
  target: ['address', 'auth_profile', 'cluster'],
};

/**
 * Loads the file that turns on /scrape: the only targets it may scrape, each bound to a named auth profile.
 * The caller of /scrape names a target and nothing else; credentials never come from the request, so the
 * exporter cannot be used to send a password to a server of the caller's choosing. Secret and TLS files are
 * read here, once, relative to the file; every mistake is one line naming the key.
 */
export function loadTargetsFile(path: string): TargetEntry[] {
  const origin = `--scrape.config-file ${path}`;
  const fail = (why: string) => new KeepwatchError('KW_ERR_TARGETS_FILE', `${origin}: ${why}`);
  const doc = readYamlFile(path, '--scrape.config-file', fail);
  const mapping = (value: unknown, where: string, known?: readonly string[]): YamlMapping => {
    if (!isYamlMapping(value)) throw fail(`${where} must be a mapping`);
    const unknown = known === undefined ? undefined : Object.keys(value).find((key) => !known.includes(key));
    if (unknown !== undefined) throw fail(`unknown key ${where === 'the top level' ? '' : `${where}.`}${unknown}`);
    return value;
  };
  const text = (value: unknown, where: string): string | undefined => {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string' || value === '') throw fail(`${where} must be a non-empty string`);
    return value;
  };
  const base = dirname(resolve(path));
  const file = (value: unknown, where: string) => {
    const name = text(value, where);
    return name === undefined ? undefined : resolve(base, name);
  };

  const top = mapping(doc, 'the top level', keys.top);
  const profiles = new Map<string, TargetCredentials>();
  for (const [name, value] of Object.entries(
    top.auth_profiles === undefined || top.auth_profiles === null ? {} : mapping(top.auth_profiles, 'auth_profiles'),
  )) {
    const where = `auth_profiles.${name}`;
    const profile = mapping(value, where, keys.profile);
    const username = text(profile.username, `${where}.username`);
    const passwordFile = file(profile.password_file, `${where}.password_file`);
    let tls: ClientTls | undefined;
    if (profile.tls !== undefined && profile.tls !== null) {
      const doc = mapping(profile.tls, `${where}.tls`, keys.tls);
      const pem = (key: string) => {
        const full = file(doc[key], `${where}.tls.${key}`);
        return full === undefined ? undefined : readFileOrFail(full, `${origin}: ${where}.tls.${key}`);
      };
      const skip = doc.insecure_skip_verify ?? undefined;
      if (skip !== undefined && typeof skip !== 'boolean') throw fail(`${where}.tls.insecure_skip_verify must be true or false`);
      tls = assembleClientTls(
        {
          ca: pem('ca_file'),
          cert: pem('cert_file'),
          key: pem('key_file'),
          serverName: text(doc.server_name, `${where}.tls.server_name`),
          insecureSkipVerify: skip,
        },
        () => fail(`${where}.tls: cert_file and key_file must be given together`),
      );
    }
    const password = passwordFile === undefined ? undefined : readSecretFile(passwordFile, `${origin}: ${where}.password_file`);
    profiles.set(name, {
      ...(username === undefined ? {} : { username }),
      ...(password === undefined ? {} : { password }),
      ...(tls === undefined ? {} : { tls }),
    });
  }

  if (!Array.isArray(top.targets) || top.targets.length === 0) throw fail('targets must be a non-empty list');
  return top.targets.map((value, index): TargetEntry => {
    const where = `targets[${index}]`;
    const target = mapping(value, where, keys.target);
    const address = text(target.address, `${where}.address`);
    if (address === undefined) throw fail(`${where}.address is required`);
    const profileName = text(target.auth_profile, `${where}.auth_profile`);
    const credentials = profileName === undefined ? {} : profiles.get(profileName);
    if (credentials === undefined) throw fail(`${where}.auth_profile ${JSON.stringify(profileName)} is not defined under auth_profiles`);
    const cluster = target.cluster ?? undefined;
    if (cluster !== undefined && typeof cluster !== 'boolean') throw fail(`${where}.cluster must be true or false`);
    return { address, credentials, where: `${origin}: ${where}`, ...(cluster === true ? { cluster } : {}) };
  });
}
