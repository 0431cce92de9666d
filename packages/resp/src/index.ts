export { type AclRuleDialect, commandOnlyUser } from './acl-rules.ts';
export { parseRespAddress, type RespAddress, type RespEngine } from './address.ts';
export { type RespCaps, versionNumber } from './capabilities.ts';
export { commonFields, commonIgnored, commonStructured, commonStructuredSections, cpuSeconds } from './catalogue.ts';
export type { RespCollectorOptions } from './collector-options.ts';
export { type RespExporterDefinition, respExporter } from './definition.ts';
export { renderRespReadme } from './docs.ts';
export { memoized } from './memoized.ts';
export type { CommandSpec, RespCollector, RespExplorer, RespSession, RespSnapshot } from './snapshot.ts';
