import { type MilvusClient, promisify } from '@zilliz/milvus2-sdk-node';
import type { Caller } from './caller.ts';
import type { ListedCollection } from './collection-filter.ts';
import type { CollectionRead, ComponentRead, DatabaseRead, HealthRead, IndexRead, LoadState, RbacRead, ResourceGroupRead } from './snapshot.ts';

/**
 * The Milvus privileges each read needs (reference/milvus.md §5), the source of the README's
 * minimum-privilege section and of the least-privilege test. Connect, CheckHealth, GetVersion, GetMetrics,
 * ListDatabases, ShowCollections and GetReplicas need authentication only.
 */
export const readPrivileges = {
  health: [],
  system: [],
  databases: [['DescribeDatabase', 'Global']],
  collections: [
    ['DescribeCollection', 'Global'],
    ['GetStatistics', 'Collection'],
    ['GetLoadState', 'Collection'],
  ],
  indexes: [['IndexDetail', 'Collection']],
  'resource-groups': [
    ['ListResourceGroups', 'Global'],
    ['DescribeResourceGroup', 'Global'],
  ],
  rbac: [['SelectOwnership', 'Global']],
} as const satisfies Record<string, readonly (readonly [string, 'Global' | 'Collection'])[]>;

/** int64 values arrive as decimal strings (loader option longs: String), int32 and doubles as numbers. */
function num(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const parsed = Number(value);
    return Number.isFinite(parsed) ? parsed : undefined;
  }
  return undefined;
}

const text = (value: unknown) => (typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value));
const pairs = (value: unknown) =>
  Object.fromEntries(((value as { key: string; value: string }[] | undefined) ?? []).map((pair) => [text(pair.key), text(pair.value)]));

/** The entries whose value is present: optional read fields are absent, never undefined. */
const definedOnly = (values: Record<string, unknown>) => Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined));

// The SDK's declared reply types omit fields the wire carries (status, quota_states, ...); replies are read as plain objects.
type Reply = { status?: { code?: number; error_code?: string; reason?: string } } & Record<string, unknown>;
const reply = (promise: Promise<unknown>) => promise as Promise<Reply>;

/**
 * A proxy that is itself not healthy answers CheckHealth with a failure status and isHealthy false
 * (internal/proxy/impl.go): that is an answer, "unhealthy", not a failed read.
 */
export async function readHealth(client: MilvusClient, caller: Caller): Promise<HealthRead> {
  const health = await caller.call(
    'CheckHealth',
    () => reply(client.checkHealth()),
    'CheckHealth',
    (answer) => answer.isHealthy === false,
  );
  const reasons = ((health.reasons as unknown[] | undefined) ?? []).map(text);
  const statusReason = health.status?.code !== 0 ? text(health.status?.reason) : '';
  return {
    healthy: health.isHealthy === true,
    reasons: statusReason === '' || reasons.includes(statusReason) ? reasons : [statusReason, ...reasons],
    quotaStates: ((health.quota_states as unknown[] | undefined) ?? []).map(text),
  };
}

export async function readVersion(client: MilvusClient, caller: Caller): Promise<string> {
  return text((await caller.call('GetVersion', () => reply(client.getVersion()))).version);
}

/**
 * GetMetrics(system_info): one entry per node, by `infos.type` (never by position; ids repeat in standalone).
 * Sent through the SDK's own `promisify` rather than `getMetric`, which parses the response before anyone
 * looks at the status: a failed GetMetrics (a failure status, an empty response) threw a SyntaxError there.
 */
export async function readSystem(client: MilvusClient, caller: Caller): Promise<ComponentRead[]> {
  const metrics = await caller.call('GetMetrics', (timeout) =>
    reply(promisify(client.channelPool, 'GetMetrics', { request: JSON.stringify({ metric_type: 'system_info' }) }, timeout)),
  );
  let parsed: { nodes_info?: unknown[] } | undefined;
  try {
    parsed = JSON.parse(text(metrics.response)) as { nodes_info?: unknown[] } | undefined;
  } catch {
    throw new Error('GetMetrics: system_info is not JSON');
  }
  const nodes = (parsed?.nodes_info ?? []) as { identifier?: unknown; infos?: Record<string, unknown> }[];
  return nodes.flatMap((node): ComponentRead[] => {
    const infos = node.infos;
    if (infos === undefined || infos === null) return [];
    const hardware = (infos.hardware_infos ?? {}) as Record<string, unknown>;
    const system = (infos.system_info ?? {}) as Record<string, unknown>;
    const quota = (infos.quota_metrics ?? {}) as Record<string, unknown>;
    const usage = num(hardware.cpu_core_usage);
    const optional = {
      cpuCores: num(hardware.cpu_core_count),
      cpuUsage: usage === undefined ? undefined : usage / 100,
      memoryBytes: num(hardware.memory),
      memoryUsedBytes: num(hardware.memory_usage),
      diskBytes: num(hardware.disk),
      diskUsedBytes: num(hardware.disk_usage),
      growingSegmentsBytes: num(quota.GrowingSegmentsSize),
    };
    return [
      {
        role: text(infos.type),
        nodeId: text(infos.id ?? node.identifier),
        version: text(system.build_version),
        hasError: infos.has_error === true,
        errorReason: text(infos.error_reason),
        ...definedOnly(optional),
      },
    ];
  });
}

export async function listDatabaseNames(client: MilvusClient, caller: Caller): Promise<string[]> {
  return ((await caller.call('ListDatabases', (timeout) => reply(client.listDatabases({ timeout })))).db_names as unknown[]).map(text);
}

/**
 * Every database, described one by one: a DescribeDatabase that fails (absent before Milvus 2.4.3, denied,
 * one database dropped meanwhile) leaves that database without properties, not the others without theirs
 * nor the count.
 */
export async function readDatabases(client: MilvusClient, caller: Caller, names: readonly string[]): Promise<DatabaseRead[]> {
  const described = await Promise.allSettled(
    names.map((name) => caller.call('DescribeDatabase', (timeout) => reply(client.describeDatabase({ db_name: name, timeout })), `DescribeDatabase ${name}`)),
  );
  return names.map((name, index) => {
    const result = described[index];
    return result?.status === 'fulfilled' ? { name, id: text(result.value.dbID), properties: pairs(result.value.properties) } : { name };
  });
}

export async function listCollections(client: MilvusClient, caller: Caller, db: string): Promise<ListedCollection[]> {
  const shown = await caller.call('ShowCollections', (timeout) => reply(client.showCollections({ db_name: db, timeout })), `ShowCollections ${db}`);
  const ids = (shown.collection_ids as unknown[] | undefined) ?? [];
  return ((shown.collection_names as unknown[] | undefined) ?? []).map((name, index) => ({ db, name: text(name), id: text(ids[index]) }));
}

/**
 * The details of one collection. Each value comes from its own call; a failed call leaves its value out
 * (counted by the caller) instead of failing the collection. Progress and replicas are asked only of
 * collections that are loading or loaded: Milvus answers "not loaded" errors otherwise.
 */
export async function readCollection(
  client: MilvusClient,
  caller: Caller,
  listed: ListedCollection,
  onFailure: (error: unknown) => void,
): Promise<CollectionRead> {
  const scope = { collection_name: listed.name, db_name: listed.db };
  const key = (rpc: string) => `${rpc} ${listed.db}.${listed.name}`;
  const attempt = async <T>(work: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await work();
    } catch (error) {
      onFailure(error);
      return undefined;
    }
  };
  const [described, statistics, loadState] = await Promise.all([
    attempt(() => caller.call('DescribeCollection', (timeout) => reply(client.describeCollection({ ...scope, timeout })), key('DescribeCollection'))),
    attempt(() =>
      caller.call('GetCollectionStatistics', (timeout) => reply(client.getCollectionStatistics({ ...scope, timeout })), key('GetCollectionStatistics')),
    ),
    attempt(() => caller.call('GetLoadState', (timeout) => reply(client.getLoadState({ ...scope, timeout })), key('GetLoadState'))),
  ]);
  const state = loadState === undefined ? undefined : (text(loadState.state) as LoadState);
  const inMemory = state === 'LoadStateLoading' || state === 'LoadStateLoaded';
  const [progress, replicas] = await Promise.all([
    state === 'LoadStateLoading'
      ? attempt(() => caller.call('GetLoadingProgress', (timeout) => reply(client.getLoadingProgress({ ...scope, timeout })), key('GetLoadingProgress'))).then(
          (answer) => (answer === undefined ? undefined : (num(answer.progress) ?? 0) / 100),
        )
      : Promise.resolve(state === 'LoadStateLoaded' ? 1 : state === undefined ? undefined : 0),
    inMemory
      ? attempt(() =>
          caller.call('GetReplicas', (timeout) => reply(client.getReplicas({ collectionID: listed.id, ...scope, timeout })), key('GetReplicas')),
        ).then((answer) => (answer === undefined ? undefined : ((answer.replicas as unknown[] | undefined) ?? []).length))
      : Promise.resolve(state === undefined ? undefined : 0),
  ]);
  const statsRows = statistics === undefined ? undefined : num(pairs(statistics.stats).row_count);
  const values = {
    rows: statsRows,
    loadState: state,
    loadingProgress: progress,
    partitions: described === undefined ? undefined : num(described.num_partitions),
    shards: described === undefined ? undefined : num(described.shards_num),
    replicas,
  };
  return { ...listed, ...definedOnly(values) };
}

/** Index progress of one collection; "index not found" (code 700) is a collection without an index, not an error. */
export async function readIndexes(client: MilvusClient, caller: Caller, listed: ListedCollection): Promise<IndexRead[]> {
  let described: Reply;
  try {
    described = await caller.call(
      'DescribeIndex',
      (timeout) => reply(client.describeIndex({ collection_name: listed.name, db_name: listed.db, timeout })),
      `DescribeIndex ${listed.db}.${listed.name}`,
    );
  } catch (error) {
    if (/\(code 700\)$/.test((error as Error).message)) return [];
    throw error;
  }
  return ((described.index_descriptions as Record<string, unknown>[] | undefined) ?? []).map((index) => ({
    db: listed.db,
    collection: listed.name,
    name: text(index.index_name),
    field: text(index.field_name),
    indexedRows: num(index.indexed_rows) ?? 0,
    totalRows: num(index.total_rows) ?? 0,
    pendingRows: num(index.pending_index_rows) ?? 0,
    state: text(index.state),
  }));
}

export async function readResourceGroups(client: MilvusClient, caller: Caller): Promise<ResourceGroupRead[]> {
  const listed = await caller.call('ListResourceGroups', (timeout) => reply(client.listResourceGroups({ timeout })));
  return Promise.all(
    ((listed.resource_groups as unknown[] | undefined) ?? []).map(text).map(async (name) => {
      const described = await caller.call(
        'DescribeResourceGroup',
        (timeout) => reply(client.describeResourceGroup({ resource_group: name, timeout })),
        `DescribeResourceGroup ${name}`,
      );
      const group = (described.resource_group ?? {}) as Record<string, unknown>;
      const config = (group.config ?? {}) as { requests?: { node_num?: unknown }; limits?: { node_num?: unknown } };
      const loaded = Object.values((group.num_loaded_replica ?? {}) as Record<string, unknown>).reduce<number>((sum, count) => sum + (num(count) ?? 0), 0);
      return {
        name,
        capacity: num(group.capacity) ?? 0,
        availableNodes: num(group.num_available_node) ?? 0,
        loadedReplicas: loaded,
        requestedNodes: num(config.requests?.node_num) ?? 0,
        nodeLimit: num(config.limits?.node_num) ?? 0,
      };
    }),
  );
}

export async function readRbac(client: MilvusClient, caller: Caller): Promise<RbacRead> {
  const [users, roles] = await Promise.all([
    caller.call('ListCredUsers', (timeout) => reply(client.listUsers({ timeout }))),
    caller.call('SelectRole', (timeout) => reply(client.listRoles({ timeout }))),
  ]);
  return { users: ((users.usernames as unknown[] | undefined) ?? []).length, roles: ((roles.results as unknown[] | undefined) ?? []).length };
}
