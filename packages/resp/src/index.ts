export { type AclRuleDialect, exporterAclRules } from './acl-rules.ts';
export { parseRespAddress, type RespAddress, type RespEngine } from './address.ts';
export { isRefusal, type RespCaps, versionNumber } from './capabilities.ts';
export { commonFields, commonIgnored, commonStructured } from './catalogue.ts';
export { collectorOptionFlags, collectorOptionsFromFlags, type RespCollectorOptions } from './collector-options.ts';
export { type ConnectionSettings, connectionFlags, connectionSettings, positiveInteger } from './connection.ts';
export { type RespReadmeParts, renderRespReadme } from './docs.ts';
export type { CommandSpec, RespCollector, RespSnapshot } from './snapshot.ts';
export { connectionMetrics, RespTarget, type RespTargetOptions } from './target.ts';
