export {
  applyCatalogue,
  type Catalogue,
  type CatalogueResult,
  counterField,
  type FieldParse,
  type FieldSpec,
  fieldValue,
  gaugeField,
  type IgnoredField,
} from './catalogue.ts';
export { type InfoDocument, parseInfo, parseNumber, parseRecord, recordField, recordNumber } from './info.ts';
export {
  type CommandStat,
  commandStats,
  connectedReplicas,
  type ErrorStat,
  errorStats,
  type KeyspaceEntry,
  keyspace,
  type LatencyPercentiles,
  latencyPercentiles,
  type ReplicaEntry,
  type UnknownCommand,
  unknownCommands,
} from './sub-formats.ts';
