export { loadTargetsFile, type TargetCredentials, type TargetEntry, type TargetTls } from './file.ts';
export { type BuiltTarget, type MultiTargetSupport, refusedRequests, ScrapeTargets, type TargetScrape } from './registry.ts';
