import type { ExporterDefinition } from '@keepwatch/core/bootstrap';
import type { Logger } from '@keepwatch/core/log';
import type { DiscoveredTarget } from '@keepwatch/core/targets';
import { type AclRuleDialect, explorerAclRules, exporterAclRules } from './acl-rules.ts';
import type { RespAddress, RespEngine } from './address.ts';
import { parseRespAddress } from './address.ts';
import type { RespCaps } from './capabilities.ts';
import { collectorOptionFlags, collectorOptionsFromFlags, type RespCollectorOptions } from './collector-options.ts';
import { type ConnectionSettings, configuredTargetSettings, connectionFlags, connectionSettings } from './connection.ts';
import type { CommandSpec, RespCollector, RespSnapshot } from './snapshot.ts';
import { connectionCommands, RespTarget, type RespTargetOptions } from './target.ts';

/** What a Redis-protocol exporter says about itself; the rest (flags, configure, the target) follows. */
export interface RespExporterSpec<C extends RespCaps> {
  readonly engine: RespEngine;
  readonly description: string;
  readonly version: string;
  readonly defaultPort: number;
  readonly collectorDefaults: RespCollectorOptions;
  /** Help text that differs by engine (see collectorOptionFlags). */
  readonly optionNotes: { readonly commandNames: string; readonly aclLogEntries: string };
  createCollectors(options: RespCollectorOptions): RespCollector<C>[];
  readonly connection: Pick<RespTargetOptions<C>, 'handshakeInfo' | 'detect' | 'stringNumbers' | 'accepts'>;
  readonly logs?: ExporterDefinition<C, RespSnapshot<C>, RespCollector<C>>['logs'];
  readonly envAliases?: ExporterDefinition<C, RespSnapshot<C>, RespCollector<C>>['envAliases'];
  /** Cluster discovery for the targets file's `cluster: true` entries: the command, and the nodes in its reply. */
  readonly clusterDiscovery?: {
    readonly path: string;
    readonly command: CommandSpec['argv'];
    nodes(reply: unknown, seed: RespAddress): DiscoveredTarget[];
  };
}

export type RespExporterDefinition<C extends RespCaps> = Omit<ExporterDefinition<C, RespSnapshot<C>, RespCollector<C>>, 'collectors'> & {
  /** The registry as built from the defaults, full collectors (the commands they send make the ACL user). */
  readonly collectors: readonly RespCollector<C>[];
  /** The connection to one server, as the exporter and the tests open it. */
  target(settings: ConnectionSettings, log: Logger): RespTarget<C>;
  /** The least-privilege ACL rules for every command this exporter can send (to a server with `caps`), in the engine's dialect. */
  aclRules(dialect: AclRuleDialect<C>, caps?: C): string[];
  /** The rules of what every connection sends (AUTH aside), whatever the collectors. */
  connectionAclRules(dialect: AclRuleDialect<C>): string[];
  /** What the key and stream checks add to those rules, per collector, when enabled. */
  explorerAclRules(dialect: AclRuleDialect<C>, caps?: C): { readonly collector: string; readonly rules: readonly string[] }[];
};

export function respExporter<C extends RespCaps>(spec: RespExporterSpec<C>): RespExporterDefinition<C> {
  const engine = spec.engine.name;
  const identity = { ...spec.connection, clientName: `keepwatch-${engine}-exporter` };
  const target = (settings: ConnectionSettings, log: Logger) => new RespTarget<C>({ ...settings, ...identity, log, passwordFlag: `--${engine}.password-file` });
  const collectors = spec.createCollectors(spec.collectorDefaults);
  const discovery = spec.clusterDiscovery;
  return {
    engine,
    name: `${engine}-exporter`,
    description: spec.description,
    version: spec.version,
    defaultPort: spec.defaultPort,
    flags: [...connectionFlags(spec.engine), ...collectorOptionFlags(engine, spec.collectorDefaults, spec.optionNotes)],
    collectors,
    multiTarget: true,
    ...(spec.envAliases === undefined ? {} : { envAliases: spec.envAliases }),
    ...(spec.logs === undefined ? {} : { logs: spec.logs }),
    target,
    aclRules: (dialect, caps) =>
      exporterAclRules([...connectionCommands(identity), ...(discovery === undefined ? [] : [discovery.command])], collectors, dialect, caps),
    connectionAclRules: (dialect) => connectionCommands(identity).map((argv) => dialect.rule(argv)),
    explorerAclRules: (dialect, caps) => explorerAclRules(collectors, dialect, caps),
    configure(flags, env) {
      const settings = connectionSettings(flags, env, spec.engine);
      const options = collectorOptionsFromFlags(flags, engine);
      return {
        secrets: settings?.password === undefined ? [] : [settings.password],
        targetDisplay: settings?.address.display,
        build: (log) => ({ target: settings === undefined ? undefined : target(settings, log), collectors: spec.createCollectors(options) }),
        targets: {
          canonical: (address) => parseRespAddress(address, spec.engine).display,
          prepare(entry) {
            const configured = configuredTargetSettings(entry, spec.engine);
            return {
              display: configured.address.display,
              build: (log) => ({ target: target(configured, log), collectors: spec.createCollectors(options) }),
            };
          },
          ...(discovery === undefined
            ? {}
            : {
                discovery: {
                  path: discovery.path,
                  async discover(seed, signal) {
                    if (!(seed instanceof RespTarget)) throw new Error('not a Redis-protocol target');
                    return discovery.nodes(await seed.command(discovery.command, signal), seed.address);
                  },
                },
              }),
        },
      };
    },
  };
}
