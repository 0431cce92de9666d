export { type ClassificationRule, type ClassifiedEvent, classify, type LogParser, type LogRecord, type LogTally, type LogTallySpec } from './classifier.ts';
export { createEventWriter, type EventWriter, type PersonalDataPolicy, personalDataPolicies } from './events.ts';
export { type FollowerOptions, LogFollower } from './follower.ts';
export { LogMonitor, type LogMonitorOptions, logMetrics } from './monitor.ts';
