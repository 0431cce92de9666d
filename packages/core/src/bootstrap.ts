import { type CommonConfig, commonConfig, commonFlags } from './cli/common.ts';
import { type FlagSpec, type ParsedFlags, parseFlags } from './cli/flags.ts';
import { errorText, KeepwatchError } from './errors.ts';
import { createHttpApp } from './http/app.ts';
import { HttpRefusals } from './http/refusals.ts';
import { createLogger, type Logger } from './log.ts';
import type { ClassificationRule, LogParser, LogTallySpec } from './logs/classifier.ts';
import { createEventWriter } from './logs/events.ts';
import { LogMonitor } from './logs/monitor.ts';
import { gauge } from './metrics/descriptor.ts';
import { MetricSink } from './metrics/family.ts';
import { describeProcess } from './metrics/process.ts';
import type { Collector, ScrapeTarget } from './scrape/collector.ts';
import { scrape } from './scrape/engine.ts';
import { selectCollectors } from './scrape/select.ts';
import { singleFlight } from './scrape/single-flight.ts';
import { loadTargetsFile } from './targets/file.ts';
import { type MultiTargetSupport, ScrapeTargets } from './targets/registry.ts';
import { watchFile } from './targets/watch.ts';

export const buildInfo = gauge('exporter_build_info', 'Version of the exporter and of Node.js it runs on; always 1.', ['version', 'nodejs_version']);

const noTarget = 'none (/metrics serves the exporter itself; servers through /scrape)';

type CollectorInfo = Pick<Collector<unknown, unknown>, 'name' | 'help' | 'defaultEnabled'>;

/** What an engine package contributes; core does the rest (flags, logs, HTTP, deadline, health metrics). */
export interface ExporterDefinition<Caps, Snapshot, C extends Collector<Caps, Snapshot>> {
  readonly engine: string;
  readonly name: string;
  readonly description: string;
  readonly version: string;
  readonly defaultPort: number;
  /** Engine flags: target address, credentials, TLS, collector options. */
  readonly flags: readonly FlagSpec[];
  /** Environment variables of the exporter this one replaces, by flag name, read when the flag's own is unset. */
  readonly envAliases?: Readonly<Record<string, readonly string[]>>;
  /** The collector registry (only name, help and default are read before configure). */
  readonly collectors: readonly CollectorInfo[];
  /** Serves /scrape?target= for the targets of --scrape.config-file (its setup then provides `targets`). */
  readonly multiTarget?: boolean;
  /** The engine's log format and the events worth classifying, for --log.file. */
  readonly logs?: EngineLogs;
  /** Validates engine flags and reads secrets (files first, then `env`); throws KeepwatchError. Runs before any log line. */
  configure(flags: ParsedFlags, env: Readonly<Record<string, string | undefined>>): EngineSetup<Caps, Snapshot, C>;
}

export interface EngineLogs {
  /** The engine opens its log file by path for every line, so a renamed file is never written again (--log.file-max-bytes). */
  readonly reopensPerWrite?: boolean;
  readonly parser: LogParser;
  readonly rules: readonly ClassificationRule[];
  readonly tally?: LogTallySpec;
}

export interface EngineSetup<Caps, Snapshot, C extends Collector<Caps, Snapshot>> {
  /** Secret values the logger must never print. */
  readonly secrets: readonly string[];
  /** Target as shown to users (no credentials); undefined when /metrics has no target (multi-target mode only). */
  readonly targetDisplay: string | undefined;
  /** The log handling as configured by flags (a custom line format), when it differs from the definition's. */
  readonly logs?: EngineLogs;
  build(log: Logger): { target: (ScrapeTarget<Caps, Snapshot, C> & { close(): Promise<void> }) | undefined; collectors: readonly C[] };
  /** How /scrape reaches the targets of --scrape.config-file, for engines that support it. */
  readonly targets?: MultiTargetSupport<Caps, Snapshot, C>;
}

function collectorFlags(collectors: readonly CollectorInfo[]): FlagSpec[] {
  return [
    ...collectors.map(
      (collector): FlagSpec => ({
        name: `collector.${collector.name}`,
        kind: 'boolean',
        default: collector.defaultEnabled,
        help: `Enable the ${collector.name} collector: ${collector.help}`,
      }),
    ),
    { name: 'collector.disable-defaults', kind: 'boolean', default: false, help: 'Disable every collector not explicitly enabled.' },
  ];
}

/** The full flag table of an exporter, in help order; also the source of the generated flag docs. */
export function allFlags(
  definition: Pick<ExporterDefinition<never, never, never>, 'engine' | 'defaultPort' | 'flags' | 'collectors' | 'multiTarget' | 'envAliases'>,
): FlagSpec[] {
  const multiTargetFlags = new Set(['scrape.config-file', 'scrape.max-connections', 'scrape.idle-timeout']);
  const common = commonFlags(definition.engine, definition.defaultPort).filter((spec) => definition.multiTarget === true || !multiTargetFlags.has(spec.name));
  const aliases = definition.envAliases ?? {};
  return [...common, ...definition.flags, ...collectorFlags(definition.collectors)].map((spec) =>
    aliases[spec.name] === undefined ? spec : { ...spec, envAliases: aliases[spec.name] },
  );
}

export interface RunningExporter {
  readonly url: string;
  /** Takes --scrape.config-file again (SIGHUP does this); a file with a mistake is logged and changes nothing. */
  reload(): Promise<void>;
  close(): Promise<void>;
}

export interface RunOptions {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout?: (text: string) => void;
  readonly logWrite?: (line: string) => void;
}

/** Parses, validates, listens. Returns undefined when it only printed help or the version. */
export async function startExporter<Caps, Snapshot, C extends Collector<Caps, Snapshot>>(
  definition: ExporterDefinition<Caps, Snapshot, C>,
  options: RunOptions,
): Promise<RunningExporter | undefined> {
  const stdout = options.stdout ?? ((text: string) => process.stdout.write(text));
  const specs = allFlags(definition);
  const parsed = parseFlags(specs, options.argv, options.env, definition);
  if (parsed.flags === undefined) {
    stdout(parsed.output ?? '');
    return undefined;
  }
  const flags = parsed.flags;
  const common: CommonConfig = commonConfig(flags);
  const setup = definition.configure(flags, options.env);
  const choices = Object.fromEntries(definition.collectors.map((collector) => [collector.name, flags.explicitBoolean(`collector.${collector.name}`)]));
  // The same --[no-]collector.* choice for the --<engine>.addr target and every /scrape target.
  const chooseCollectors = (registry: readonly C[]) => selectCollectors(registry, choices, flags.boolean('collector.disable-defaults'));
  const targetEntries = common.targetsFile === undefined ? undefined : loadTargetsFile(common.targetsFile);
  if (targetEntries !== undefined && setup.targets === undefined)
    throw new KeepwatchError('KW_ERR_INTERNAL', `${definition.name} declares /scrape but cannot serve it`);
  const scrapeTargets =
    targetEntries === undefined || setup.targets === undefined
      ? undefined
      : new ScrapeTargets(targetEntries, setup.targets, chooseCollectors, common.connectionLimits);
  const targetSecrets = (targetEntries ?? []).map(({ credentials }) => credentials.password ?? '');
  const hashKey = common.engineLog?.hashKey;
  const log = createLogger({
    level: common.logLevel,
    format: common.logFormat,
    secrets: [...setup.secrets, ...targetSecrets, ...(hashKey === undefined ? [] : [hashKey])],
    ...(options.logWrite ? { write: options.logWrite } : {}),
  });
  const { target, collectors: registry } = setup.build(log);
  const collectors = chooseCollectors(registry);

  const engineLog = common.engineLog;
  const logs = setup.logs ?? definition.logs;
  if (engineLog !== undefined && logs === undefined) throw new KeepwatchError('KW_ERR_FLAG', `--log.file: ${definition.name} has no log parser`);
  if (engineLog !== undefined && engineLog.fileMaxBytes > 0 && logs?.reopensPerWrite !== true)
    throw new KeepwatchError(
      'KW_ERR_FLAG',
      `--log.file-max-bytes: ${definition.engine} keeps its log file open, so a renamed file would keep growing; rotate with ${definition.engine}'s own setting and --log.remove-rotated`,
    );
  const logMonitor =
    engineLog === undefined || logs === undefined
      ? undefined
      : new LogMonitor({
          engine: definition.engine,
          path: engineLog.path,
          fromStart: engineLog.fromStart,
          ...(engineLog.stateFile === undefined ? {} : { stateFile: engineLog.stateFile }),
          ...(engineLog.echo ? { echo: (line: string) => stdout(`${line}\n`) } : {}),
          renameAtBytes: engineLog.fileMaxBytes,
          removeRotated: engineLog.removeRotated,
          parser: logs.parser,
          rules: logs.rules,
          ...(logs.tally === undefined ? {} : { tally: logs.tally.create() }),
          ...(engineLog.eventsOutput === undefined
            ? {}
            : {
                events: createEventWriter({
                  output: engineLog.eventsOutput,
                  policy: engineLog.personalData,
                  maxBytes: engineLog.eventsMaxBytes,
                  labels: engineLog.eventsLabels,
                  ...(setup.targetDisplay === undefined ? {} : { instance: setup.targetDisplay }),
                  ...(engineLog.hashKey === undefined ? {} : { hashKey: engineLog.hashKey }),
                }),
              }),
          onError: (reason) => log.warnOnce('engine log monitoring failed', { reason }),
        });

  const refusals = new HttpRefusals();
  const runScrape = async (budgetMs: number): Promise<readonly MetricSink[]> => {
    // The exporter's own metrics are read while the target's replies are on their way.
    let own: MetricSink | undefined;
    const describeOwn = () => {
      own = new MetricSink('');
      describeProcess(own);
    };
    let sink: MetricSink;
    if (target === undefined) {
      sink = new MetricSink(common.namespace);
      describeOwn();
    } else {
      sink = await scrape({ namespace: common.namespace, target, collectors, budgetMs, log, whileFetching: describeOwn });
    }
    logMonitor?.describe(sink);
    scrapeTargets?.describe(sink);
    refusals.describe(sink);
    sink.emit(buildInfo, 1, { version: definition.version, nodejs_version: process.version });
    return own === undefined ? [sink] : [sink, own];
  };
  const app = createHttpApp({
    refusals,
    landing: { name: definition.name, description: definition.description, version: definition.version, target: setup.targetDisplay ?? noTarget },
    telemetryPath: common.telemetryPath,
    scrapeTimeout: common.scrapeTimeout,
    webConfigFile: common.webConfigFile,
    log,
    scrape: singleFlight(runScrape),
    ...(scrapeTargets === undefined
      ? {}
      : { scrapeTarget: (requested, budgetMs) => scrapeTargets.scrape(requested, { namespace: common.namespace, budgetMs, log }) }),
    ...(scrapeTargets === undefined ? {} : { fileTargets: () => scrapeTargets.fileTargets() }),
    ...(scrapeTargets?.discoveryPath === undefined
      ? {}
      : { discovery: { path: scrapeTargets.discoveryPath, discover: (budgetMs: number) => scrapeTargets.discover({ budgetMs, log }) } }),
  });
  let address: string;
  try {
    address = await app.listen({ host: common.listen.host, port: common.listen.port });
  } catch (error) {
    await target?.close();
    await scrapeTargets?.close();
    throw new KeepwatchError(
      'KW_ERR_LISTEN',
      `cannot listen on ${common.listen.host}:${common.listen.port}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  logMonitor?.start();
  const reload = async () => {
    if (scrapeTargets === undefined || common.targetsFile === undefined) return;
    try {
      const file = common.targetsFile;
      const { added, removed } = scrapeTargets.reload(() => loadTargetsFile(file));
      log.info('targets file reloaded', { file: common.targetsFile, targets: scrapeTargets.size, added, removed });
    } catch (error) {
      log.error('targets file reload failed; keeping the targets it had', { reason: error instanceof KeepwatchError ? error.toLine() : errorText(error) });
    }
  };
  const stopWatching = common.targetsFile === undefined || scrapeTargets === undefined ? undefined : watchFile(common.targetsFile, reload);
  log.info('listening', {
    address,
    telemetry_path: common.telemetryPath,
    target: setup.targetDisplay ?? noTarget,
    collectors: collectors.map((collector) => collector.name).join(','),
    version: definition.version,
    ...(scrapeTargets === undefined ? {} : { scrape_targets: scrapeTargets.size }),
  });
  return {
    url: address,
    reload,
    async close() {
      stopWatching?.();
      await app.close();
      await logMonitor?.stop();
      await target?.close();
      await scrapeTargets?.close();
    },
  };
}

/** The process entry point: one clear line and exit 2 on a configuration error, never a stack trace. */
export async function runExporterMain<Caps, Snapshot, C extends Collector<Caps, Snapshot>>(definition: ExporterDefinition<Caps, Snapshot, C>): Promise<void> {
  let running: RunningExporter | undefined;
  try {
    running = await startExporter(definition, { argv: process.argv.slice(2), env: process.env });
  } catch (error) {
    const line = error instanceof KeepwatchError ? error.toLine() : `KW_ERR_INTERNAL: ${(error as Error).message}`;
    process.stderr.write(`${definition.name}: ${line}\n`);
    process.exit(error instanceof KeepwatchError && error.code !== 'KW_ERR_LISTEN' ? 2 : 1);
  }
  if (running === undefined) return;
  const stop = () => {
    running?.close().finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.on('SIGHUP', () => void running?.reload());
}
