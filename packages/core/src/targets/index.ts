export { loadTargetsFile, type TargetCredentials, type TargetEntry } from './file.ts';
export { PersistentTarget } from './persistent.ts';
export {
  type BuiltTarget,
  type ClusterDiscovery,
  type DiscoveredTarget,
  type Discovery,
  type MultiTargetSupport,
  multiTargetMetrics,
  ScrapeTargets,
  type TargetScrape,
} from './registry.ts';
