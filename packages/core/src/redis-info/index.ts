export {
  applyCatalogue,
  type Catalogue,
  type CatalogueResult,
  type FieldParse,
  type FieldSpec,
  fieldValue,
  helpFor,
  type IgnoredField,
} from './catalogue.ts';
export { type InfoDocument, type InfoField, parseInfo, parseNumber, parseRecord, recordNumber } from './info.ts';
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
} from './sub-formats.ts';
