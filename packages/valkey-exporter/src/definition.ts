import type { ExporterDefinition } from '@keepwatch/core/bootstrap';
import { type FlagSpec, type ParsedFlags, readFileOrFail, readSecretFile } from '@keepwatch/core/cli';
import { KeepwatchError } from '@keepwatch/core/errors';
import packageJson from '../package.json' with { type: 'json' };
import { parseValkeyAddress } from './address.ts';
import type { ValkeyCaps } from './capabilities.ts';
import { createCollectors, defaultDangerousCommands } from './collectors/index.ts';
import { parseValkeyLogLine } from './logs/parser.ts';
import { valkeyLogRules } from './logs/rules.ts';
import type { ValkeyCollector, ValkeySnapshot } from './snapshot.ts';
import { ValkeyTarget } from './target.ts';

/** Not 9121 (redis_exporter) nor any database port, so both exporters can run side by side. */
export const defaultPort = 9866;

const valkeyFlags: FlagSpec[] = [
  {
    name: 'valkey.addr',
    kind: 'string',
    default: 'redis://localhost:6379',
    help: 'Server address: redis://, rediss:// (TLS), valkey://, valkeys:// (TLS), unix:///path or host:port; /N selects a database.',
  },
  { name: 'valkey.user', kind: 'string', help: 'ACL user to authenticate as (default: the default user).' },
  {
    name: 'valkey.password-file',
    kind: 'string',
    secretFile: true,
    help: 'File holding the password (one trailing newline ignored). Without it, the VALKEY_PASSWORD environment variable is used.',
  },
  { name: 'valkey.tls.ca-file', kind: 'string', help: 'CA bundle to verify the server certificate (default: system CAs).' },
  { name: 'valkey.tls.cert-file', kind: 'string', help: 'Client certificate for mutual TLS.' },
  { name: 'valkey.tls.key-file', kind: 'string', secretFile: true, help: 'Client private key for mutual TLS.' },
  { name: 'valkey.tls.server-name', kind: 'string', help: 'Name expected in the server certificate and sent as SNI (default: the host).' },
  { name: 'valkey.tls.insecure-skip-verify', kind: 'boolean', default: false, help: 'Do not verify the server certificate. Only for testing.' },
  {
    name: 'collector.info.export-unknown',
    kind: 'boolean',
    default: false,
    help: 'Also export numeric INFO fields the catalogue does not know, as untyped valkey_info_<field>.',
  },
  {
    name: 'collector.commandstats.dangerous-commands',
    kind: 'list',
    default: defaultDangerousCommands,
    help: 'Commands (commandstats names, subcommands as parent|sub) counted by dangerous_commands_total.',
  },
  {
    name: 'collector.errorstats.max-prefixes',
    kind: 'number',
    default: 100,
    help: 'Distinct error prefixes exported before the rest is summed under __overflow__.',
  },
  {
    name: 'collector.acl-log.max-users',
    kind: 'number',
    default: 50,
    help: 'Distinct users labelled in acl_log_events_total before the rest is summed under __overflow__.',
  },
  { name: 'collector.acl-log.entries', kind: 'number', default: 128, help: 'ACL LOG entries read per scrape (match acllog-max-len).' },
];

const defaultCollectorOptions = {
  exportUnknownInfoFields: false,
  dangerousCommands: defaultDangerousCommands,
  maxErrorPrefixes: 100,
  aclLogMaxUsers: 50,
  aclLogEntries: 128,
};

function positiveInteger(flags: ParsedFlags, name: string): number {
  const value = flags.get(name) as number;
  if (!Number.isInteger(value) || value < 1) throw new KeepwatchError('KW_ERR_FLAG', `--${name} must be a positive integer, got ${value}`);
  return value;
}

export const valkeyExporter: ExporterDefinition<ValkeyCaps, ValkeySnapshot, ValkeyCollector> = {
  engine: 'valkey',
  name: 'valkey-exporter',
  description: 'Prometheus exporter for Valkey and Redis: health, performance, replication and security signals.',
  version: packageJson.version,
  defaultPort,
  flags: valkeyFlags,
  collectors: createCollectors(defaultCollectorOptions),
  logs: { parser: parseValkeyLogLine, rules: valkeyLogRules },
  configure(flags, env) {
    const address = parseValkeyAddress(String(flags.get('valkey.addr')));
    const passwordFile = flags.get('valkey.password-file') as string | undefined;
    const password = passwordFile === undefined ? env.VALKEY_PASSWORD : readSecretFile(passwordFile, '--valkey.password-file');
    const username = (flags.get('valkey.user') as string | undefined) ?? address.username;
    const file = (name: string) => {
      const path = flags.get(name) as string | undefined;
      return path === undefined ? undefined : readFileOrFail(path, `--${name}`);
    };
    const ca = file('valkey.tls.ca-file');
    const cert = file('valkey.tls.cert-file');
    const key = file('valkey.tls.key-file');
    if ((cert === undefined) !== (key === undefined)) {
      throw new KeepwatchError('KW_ERR_FLAG', '--valkey.tls.cert-file and --valkey.tls.key-file must be given together');
    }
    const serverName = flags.get('valkey.tls.server-name') as string | undefined;
    const tlsOptionsGiven = ca !== undefined || cert !== undefined || serverName !== undefined || flags.get('valkey.tls.insecure-skip-verify') !== undefined;
    if (tlsOptionsGiven && !address.tls) {
      throw new KeepwatchError('KW_ERR_FLAG', `TLS options given but --valkey.addr ${address.display} is not TLS; use rediss:// or valkeys://`);
    }
    const tls = address.tls
      ? {
          ...(ca === undefined ? {} : { ca }),
          ...(cert === undefined ? {} : { cert }),
          ...(key === undefined ? {} : { key }),
          servername: serverName ?? address.host ?? '',
          rejectUnauthorized: flags.get('valkey.tls.insecure-skip-verify') !== true,
        }
      : undefined;
    const collectorOptions = {
      exportUnknownInfoFields: flags.get('collector.info.export-unknown') === true,
      dangerousCommands: (flags.get('collector.commandstats.dangerous-commands') as string[] | undefined) ?? defaultDangerousCommands,
      maxErrorPrefixes: positiveInteger(flags, 'collector.errorstats.max-prefixes'),
      aclLogMaxUsers: positiveInteger(flags, 'collector.acl-log.max-users'),
      aclLogEntries: positiveInteger(flags, 'collector.acl-log.entries'),
    };
    return {
      secrets: password === undefined ? [] : [password],
      targetDisplay: address.display,
      build: (log) => ({
        target: new ValkeyTarget({
          address,
          ...(username === undefined ? {} : { username }),
          ...(password === undefined ? {} : { password }),
          ...(tls === undefined ? {} : { tls }),
          clientName: 'keepwatch-valkey-exporter',
          log,
        }),
        collectors: createCollectors(collectorOptions),
      }),
    };
  },
};
