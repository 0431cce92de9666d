/**
 * What an operator tunes without touching a rule (like a monitoring mixin's _config): selectors, the labels
 * that group a primary with its replicas, thresholds and `for` durations. The committed rule files are
 * generated with `defaultConfig`; `renderRuleFiles(config)` makes them for any other.
 */
export interface MonitoringConfig {
  /** Label matchers added to every selector of an engine's rules, e.g. `job="valkey"` (empty: every series). */
  readonly selectors: { readonly valkey: string; readonly redis: string; readonly dragonfly: string; readonly milvus: string; readonly exporters: string };
  /**
   * The metric prefix (--namespace) of each engine's exporter. `redis` is valkey-exporter run as a
   * redis_exporter drop-in (`--namespace redis`): it gets its own rule file and dashboard, alerts named Redis*.
   */
  readonly prefixes: { readonly valkey: string; readonly redis: string; readonly dragonfly: string; readonly milvus: string };
  /** Metric prefixes (--namespace) the exporter rules look at. */
  readonly namespaces: readonly string[];
  /** Labels that identify one replication group (a primary and its replicas) for the primary-count alerts. */
  readonly replicationGroupLabels: readonly string[];
  /** Milvus collections expected to stay loaded (regular expression on the collection label). */
  readonly expectedLoadedCollections: string;
  readonly runbookBaseUrl: string;
  readonly thresholds: {
    readonly authFailures: number;
    readonly memoryWarningRatio: number;
    readonly memoryCriticalRatio: number;
    readonly memoryGrowthFactor: number;
    readonly memoryGrowthMinimumBytes: number;
    readonly connectionSpikeFactor: number;
    readonly connectionSpikeMinimum: number;
    readonly connectionsNearMaxRatio: number;
    readonly replicationLagBytes: number;
    readonly replicationLagRecords: number;
    readonly replicationLagSeconds: number;
    readonly latencyP99Seconds: number;
    readonly milvusRateLimited: number;
    readonly logParseFailures: number;
    readonly hostMemoryRatio: number;
    readonly certificateWarningDays: number;
    readonly certificateCriticalDays: number;
    /** A checked key (--collector.keys.check) this large in memory, or with this many elements, is a big key. */
    readonly bigKeyBytes: number;
    readonly bigKeyElements: number;
    /** A consumer group this many entries behind, and falling further behind. */
    readonly streamLagEntries: number;
    /** An entry delivered and not acknowledged for this long: its consumer is gone or stuck. */
    readonly streamPendingSeconds: number;
    /** A server that saves (save points, or saves seen) with changes not saved for this long. */
    readonly backupMaxAgeSeconds: number;
    /** Healthy Sentinels per master below which one more loss leaves no failover. */
    readonly sentinelsMinimum: number;
  };
  /** Windows of increase()/rate() and of the baselines. */
  readonly windows: {
    readonly burst: string;
    readonly baseline: string;
    readonly baselineOffset: string;
    readonly growth: string;
    readonly replicaHistory: string;
    readonly loadedHistory: string;
    readonly indexBacklog: string;
  };
  readonly for: {
    readonly down: string;
    readonly burst: string;
    readonly memoryWarning: string;
    readonly memoryCritical: string;
    readonly memoryGrowth: string;
    readonly connectionSpike: string;
    readonly connectionsNearMax: string;
    readonly linkDown: string;
    readonly lag: string;
    readonly replicaCount: string;
    readonly primaries: string;
    readonly persistence: string;
    readonly evictions: string;
    readonly latency: string;
    readonly unhealthy: string;
    readonly quota: string;
    readonly indexBacklog: string;
    readonly notLoaded: string;
    readonly collectorFailing: string;
    readonly logMonitoringDown: string;
    readonly certificate: string;
    readonly posture: string;
    readonly bigKey: string;
    readonly stream: string;
    readonly backup: string;
    readonly sentinel: string;
  };
}

export const defaultConfig: MonitoringConfig = {
  selectors: { valkey: '', redis: '', dragonfly: '', milvus: '', exporters: 'job=~".*(valkey|redis|dragonfly|milvus).*"' },
  prefixes: { valkey: 'valkey', redis: 'redis', dragonfly: 'dragonfly', milvus: 'milvus' },
  namespaces: ['valkey', 'redis', 'dragonfly', 'milvus'],
  replicationGroupLabels: ['job'],
  expectedLoadedCollections: '.+',
  runbookBaseUrl: 'https://github.com/keepwatch/keepwatch/blob/main/alerts/runbooks',
  thresholds: {
    authFailures: 10,
    memoryWarningRatio: 0.85,
    memoryCriticalRatio: 0.95,
    memoryGrowthFactor: 1.5,
    memoryGrowthMinimumBytes: 256 * 1024 * 1024,
    connectionSpikeFactor: 3,
    connectionSpikeMinimum: 50,
    connectionsNearMaxRatio: 0.85,
    replicationLagBytes: 16 * 1024 * 1024,
    replicationLagRecords: 100000,
    replicationLagSeconds: 30,
    latencyP99Seconds: 0.05,
    milvusRateLimited: 10,
    logParseFailures: 100,
    hostMemoryRatio: 0.8,
    certificateWarningDays: 14,
    certificateCriticalDays: 2,
    bigKeyBytes: 64 * 1024 * 1024,
    bigKeyElements: 1_000_000,
    streamLagEntries: 1000,
    streamPendingSeconds: 600,
    backupMaxAgeSeconds: 6 * 3600,
    sentinelsMinimum: 3,
  },
  windows: { burst: '5m', baseline: '1h', baselineOffset: '10m', growth: '1h', replicaHistory: '1h', loadedHistory: '6h', indexBacklog: '30m' },
  for: {
    down: '1m',
    burst: '1m',
    memoryWarning: '10m',
    memoryCritical: '5m',
    memoryGrowth: '15m',
    connectionSpike: '2m',
    connectionsNearMax: '5m',
    linkDown: '1m',
    lag: '5m',
    replicaCount: '5m',
    primaries: '2m',
    persistence: '1m',
    evictions: '15m',
    latency: '10m',
    unhealthy: '2m',
    quota: '1m',
    indexBacklog: '30m',
    notLoaded: '5m',
    collectorFailing: '15m',
    logMonitoringDown: '10m',
    certificate: '10m',
    posture: '15m',
    bigKey: '15m',
    stream: '15m',
    backup: '15m',
    sentinel: '2m',
  },
};
