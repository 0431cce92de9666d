import { KeepwatchError } from '../errors.ts';
import { type LogFormat, type LogLevel, logFormats, logLevels } from '../log.ts';
import { defaultMaxBytes, type PersonalDataPolicy, personalDataPolicies } from '../logs/events.ts';
import { minimumBudgetSeconds, type ScrapeTimeoutLimits } from '../scrape/deadline.ts';
import type { ConnectionLimits } from '../targets/registry.ts';
import type { FlagSpec, ParsedFlags } from './flags.ts';
import { readSecretFile } from './secrets.ts';

/** Flags every keepwatch exporter has, named as the Prometheus exporter-toolkit names them. */
export function commonFlags(engine: string, defaultPort: number): FlagSpec[] {
  return [
    { name: 'web.listen-address', kind: 'string', default: `:${defaultPort}`, help: 'Address to listen on for HTTP requests, [host]:port.' },
    { name: 'web.telemetry-path', kind: 'string', default: '/metrics', help: 'Path under which to expose metrics.' },
    { name: 'web.config.file', kind: 'string', help: 'Exporter-toolkit web config file (TLS, bcrypt basic auth, headers, rate limit).' },
    {
      name: 'namespace',
      kind: 'string',
      default: engine,
      help: "Prefix of every metric name (the README names the prefixes that make other exporters' dashboards work).",
    },
    {
      name: 'scrape.timeout-offset',
      kind: 'number',
      default: 0.5,
      range: { min: 0, max: 60, unit: 'seconds' },
      help: 'Seconds subtracted from X-Prometheus-Scrape-Timeout-Seconds so the answer arrives in time.',
    },
    {
      name: 'web.max-scrape-timeout',
      kind: 'number',
      default: 120,
      range: { min: 1, max: 3600, unit: 'seconds' },
      help: `Upper bound of a scrape's deadline, whatever X-Prometheus-Scrape-Timeout-Seconds asks; the lower bound is ${minimumBudgetSeconds} s.`,
    },
    {
      name: 'scrape.config-file',
      kind: 'string',
      help: 'Targets file (YAML) that turns on /scrape?target=: the only servers it may scrape, each with its auth profile. /scrape is off without it; reloaded on SIGHUP and when it changes.',
    },
    {
      name: 'scrape.max-connections',
      kind: 'number',
      default: 1000,
      range: { min: 1, max: 100_000, integer: true },
      help: 'Target connections /scrape keeps open at most; beyond, the least recently scraped one is closed and reopens on its next scrape.',
    },
    {
      name: 'scrape.idle-timeout',
      kind: 'number',
      default: 300,
      range: { min: 1, max: 86_400 },
      help: 'Seconds without a scrape after which a /scrape target connection is closed.',
    },
    { name: 'log.level', kind: 'string', default: 'info', choices: logLevels, help: 'Only log messages at or above this level.' },
    { name: 'log.format', kind: 'string', default: 'logfmt', choices: logFormats, help: 'Log line format.' },
    { name: 'log.file', kind: 'string', help: `The ${engine} log file to follow (shared through a volume); off when empty.` },
    { name: 'log.from-start', kind: 'boolean', default: false, help: 'Read --log.file from its beginning instead of its end.' },
    {
      name: 'log.echo',
      kind: 'boolean',
      default: false,
      help: `Copy every line read from --log.file to stdout, so the ${engine} log stays visible to kubectl logs and the node's log pipeline (events of --log.events-output - are the JSON lines with an "event" key among them).`,
    },
    {
      name: 'log.file-max-bytes',
      kind: 'number',
      default: 0,
      range: { min: 0, max: 2 ** 40, integer: true, unit: 'bytes' },
      help: `Size at which the exporter renames --log.file to <file>.1 (replacing the previous one) once read, so ${engine} starts a new file; 0 leaves rotation to others. Needs write access to the log's directory.`,
    },
    {
      name: 'log.remove-rotated',
      kind: 'boolean',
      default: false,
      help: 'Delete the file --log.file pointed to (through a symlink) once the engine has moved on to a new one and it was read to its end.',
    },
    {
      name: 'log.state-file',
      kind: 'string',
      help: 'File keeping the position in --log.file across restarts (on a persistent volume): a restarted exporter reads the lines written while it was down, once.',
    },
    { name: 'log.events-output', kind: 'string', help: 'Write each classified log event as one JSON line: - for stdout, or a file path.' },
    {
      name: 'log.events-labels',
      kind: 'list',
      default: [],
      help: 'Static labels added to every --log.events-output event, as name=value items (e.g. cluster=prod,namespace=cache); the event already names its engine and instance.',
    },
    {
      name: 'log.events-personal-data',
      kind: 'string',
      default: 'keep',
      choices: personalDataPolicies,
      help: 'Client addresses and user names in log events: keep, hash (a keyed HMAC pseudonym) or drop.',
    },
    {
      name: 'log.events-hash-key-file',
      kind: 'string',
      secretFile: true,
      help: 'File holding the HMAC key of --log.events-personal-data hash, so pseudonyms match across restarts and exporters (default: a random key per start).',
    },
    {
      name: 'log.events-max-bytes',
      kind: 'number',
      default: defaultMaxBytes,
      range: { min: 4096, max: 2 ** 40, integer: true, unit: 'bytes' },
      help: 'Size at which the --log.events-output file is renamed to <file>.1 (replacing the previous one) and started anew.',
    },
  ];
}

/** --scrape.config-file, when given and not empty (the flag is absent from exporters without /scrape). */
export function targetsFile(flags: ParsedFlags): string | undefined {
  return (flags.declares('scrape.config-file') && flags.optionalString('scrape.config-file')) || undefined;
}

export interface CommonConfig {
  readonly listen: { host: string; port: number };
  readonly telemetryPath: string;
  readonly webConfigFile: string | undefined;
  readonly namespace: string;
  readonly scrapeTimeout: ScrapeTimeoutLimits;
  readonly targetsFile: string | undefined;
  readonly connectionLimits: ConnectionLimits;
  readonly logLevel: LogLevel;
  readonly logFormat: LogFormat;
  readonly engineLog:
    | {
        readonly path: string;
        readonly fromStart: boolean;
        readonly eventsOutput: string | undefined;
        readonly personalData: PersonalDataPolicy;
        readonly hashKey: string | undefined;
        readonly eventsMaxBytes: number;
        readonly eventsLabels: Readonly<Record<string, string>>;
        readonly stateFile: string | undefined;
        readonly echo: boolean;
        readonly fileMaxBytes: number;
        readonly removeRotated: boolean;
      }
    | undefined;
}

export function listenAddress(text: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(text);
  const port = Number(match?.[3]);
  if (match === null || port > 65535) throw new KeepwatchError('KW_ERR_FLAG', `--web.listen-address ${JSON.stringify(text)} is not [host]:port`);
  return { host: match[1] ?? (match[2] === '' || match[2] === undefined ? '0.0.0.0' : match[2]), port };
}

export function commonConfig(flags: ParsedFlags): CommonConfig {
  const telemetryPath = flags.string('web.telemetry-path');
  if (!telemetryPath.startsWith('/') || telemetryPath === '/') {
    throw new KeepwatchError('KW_ERR_FLAG', `--web.telemetry-path ${JSON.stringify(telemetryPath)} must start with / and not be /`);
  }
  const namespace = flags.string('namespace');
  if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(namespace))
    throw new KeepwatchError('KW_ERR_FLAG', `--namespace ${JSON.stringify(namespace)} is not a valid metric name prefix`);
  const offset = flags.number('scrape.timeout-offset');
  const maxScrapeTimeout = flags.number('web.max-scrape-timeout');
  if (offset >= maxScrapeTimeout)
    throw new KeepwatchError('KW_ERR_FLAG', `--scrape.timeout-offset ${offset} leaves no time within --web.max-scrape-timeout ${maxScrapeTimeout}`);
  const webConfigFile = flags.optionalString('web.config.file');
  // An empty --log.file (an unset variable in a manifest) means off, for every check below.
  const logFile = flags.optionalString('log.file') || undefined;
  const eventsOutput = flags.optionalString('log.events-output');
  const keyFile = flags.optionalString('log.events-hash-key-file');
  if (eventsOutput !== undefined && logFile === undefined) throw new KeepwatchError('KW_ERR_FLAG', '--log.events-output needs --log.file');
  return {
    listen: listenAddress(flags.string('web.listen-address')),
    telemetryPath,
    webConfigFile,
    namespace,
    scrapeTimeout: { offsetSeconds: offset, maxSeconds: maxScrapeTimeout },
    targetsFile: targetsFile(flags),
    connectionLimits: flags.declares('scrape.max-connections')
      ? { maxConnections: flags.number('scrape.max-connections'), idleTimeoutMs: flags.number('scrape.idle-timeout') * 1000 }
      : { maxConnections: 1000, idleTimeoutMs: 300_000 },
    logLevel: flags.choice('log.level', logLevels),
    logFormat: flags.choice('log.format', logFormats),
    engineLog:
      logFile === undefined
        ? undefined
        : {
            path: logFile,
            fromStart: flags.boolean('log.from-start'),
            eventsOutput,
            personalData: flags.choice('log.events-personal-data', personalDataPolicies),
            hashKey: keyFile === undefined ? undefined : readSecretFile(keyFile, '--log.events-hash-key-file'),
            eventsLabels: eventLabels(flags.list('log.events-labels')),
            eventsMaxBytes: flags.number('log.events-max-bytes'),
            stateFile: flags.optionalString('log.state-file') || undefined,
            echo: flags.boolean('log.echo'),
            fileMaxBytes: flags.number('log.file-max-bytes'),
            removeRotated: flags.boolean('log.remove-rotated'),
          },
  };
}

/** `name=value` items as labels; a name that is no label name is one KW_ERR_FLAG line. */
function eventLabels(items: readonly string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const item of items) {
    const [name = '', ...rest] = item.split('=');
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name) || rest.length === 0) {
      throw new KeepwatchError('KW_ERR_FLAG', `--log.events-labels ${JSON.stringify(item)} is not name=value with a label name`);
    }
    labels[name] = rest.join('=');
  }
  return labels;
}
