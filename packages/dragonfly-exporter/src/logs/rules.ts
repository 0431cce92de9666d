import type { ClassificationRule } from '@keepwatch/core/logs';

const peer = '(?<primary>\\S+)';

/**
 * What Dragonfly's log says that metrics cannot, as events, in the wording of its source
 * (src/server/replica.cc, dflycmd.cc; glog CHECK failures; absl's failure signal handler). Most specific
 * first: the first rule that matches names the event. Other error and fatal lines are counted by level.
 */
export const dragonflyLogRules: readonly ClassificationRule[] = [
  { event: 'crash', severity: 'critical', pattern: /^Check failed: |^\*\*\* SIG[A-Z]+ received at time=/ },
  {
    event: 'replication_connect_failed',
    severity: 'warning',
    pattern: new RegExp(`^(?:Error connecting to ${peer} |Error resolving dns to ${peer} |Error greeting ${peer} )`),
    fields: ['primary'],
  },
  { event: 'replication_sync_failed', severity: 'warning', pattern: new RegExp(`^Error syncing with ${peer} `), fields: ['primary'] },
  { event: 'replication_link_lost', severity: 'warning', pattern: new RegExp(`^Error stable sync with ${peer} `), fields: ['primary'] },
  {
    event: 'replication_primary_changed',
    severity: 'warning',
    pattern: /^Encountered different master repl id/,
  },
  {
    event: 'replication_full_sync_started',
    severity: 'info',
    pattern: new RegExp(`^(?:Started full sync with ${peer}|Starting full sync with Redis master)`),
    fields: ['primary'],
  },
  // Replica::InitiateDflySync at v1.40.0 (replica.cc:681): "Started " << sync_type << " sync with ...".
  {
    event: 'replication_partial_sync_started',
    severity: 'info',
    pattern: new RegExp(`^Started partial sync with ${peer}`),
    fields: ['primary'],
  },
  // Replica::ConsumeDflyStream at v1.40.0 (replica.cc:939): reached only once the sync was cancelled by an error.
  { event: 'replication_stable_sync_exited', severity: 'warning', pattern: /^Exit stable sync$/ },
  {
    event: 'replication_stable_sync',
    severity: 'info',
    pattern: /^Transitioned into stable sync(?: with replica (?<replica>\S+))?$/,
    fields: ['replica'],
  },
];
