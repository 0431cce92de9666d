import { KeepwatchError } from '../errors.ts';
import type { FlagSpec, ParsedFlags } from './flags.ts';
import { readFileOrFail } from './secrets.ts';

/** TLS towards a database as the user gave it (flags or an auth profile): only what was given is set. */
export interface ClientTls {
  readonly ca?: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
  readonly serverName?: string;
  readonly insecureSkipVerify?: boolean;
}

/** The client TLS flags every exporter takes, under its engine's prefix: --<prefix>.tls.ca-file, ... */
export function tlsClientFlags(prefix: string): FlagSpec[] {
  return [
    { name: `${prefix}.tls.ca-file`, kind: 'string', help: 'CA bundle to verify the server certificate (default: system CAs).' },
    { name: `${prefix}.tls.cert-file`, kind: 'string', help: 'Client certificate for mutual TLS.' },
    { name: `${prefix}.tls.key-file`, kind: 'string', secretFile: true, help: 'Client private key for mutual TLS.' },
    { name: `${prefix}.tls.server-name`, kind: 'string', help: 'Name expected in the server certificate and sent as SNI (default: the host).' },
    { name: `${prefix}.tls.insecure-skip-verify`, kind: 'boolean', default: false, help: 'Do not verify the server certificate. Only for testing.' },
  ];
}

/**
 * A ClientTls holding only what was given. A certificate without its key, or the reverse, is `unpaired()`:
 * each source names its own keys (flags, an auth profile of the targets file).
 */
export function assembleClientTls(given: { [K in keyof ClientTls]: ClientTls[K] | undefined }, unpaired: () => KeepwatchError): ClientTls {
  const { ca, cert, key, serverName, insecureSkipVerify } = given;
  if ((cert === undefined) !== (key === undefined)) throw unpaired();
  return {
    ...(ca === undefined ? {} : { ca }),
    ...(cert === undefined ? {} : { cert }),
    ...(key === undefined ? {} : { key }),
    ...(serverName === undefined ? {} : { serverName }),
    ...(insecureSkipVerify === undefined ? {} : { insecureSkipVerify }),
  };
}

/** Reads the --<prefix>.tls.* flags once (files included); a certificate without its key, or the reverse, is one KW_ERR_FLAG line. */
export function tlsClientFromFlags(flags: ParsedFlags, prefix: string): ClientTls {
  const file = (flag: string) => {
    const path = flags.optionalString(`${prefix}.tls.${flag}`);
    return path === undefined ? undefined : readFileOrFail(path, `--${prefix}.tls.${flag}`);
  };
  return assembleClientTls(
    {
      ca: file('ca-file'),
      cert: file('cert-file'),
      key: file('key-file'),
      serverName: flags.optionalString(`${prefix}.tls.server-name`),
      insecureSkipVerify: flags.explicitBoolean(`${prefix}.tls.insecure-skip-verify`),
    },
    () => new KeepwatchError('KW_ERR_FLAG', `--${prefix}.tls.cert-file and --${prefix}.tls.key-file must be given together`),
  );
}
