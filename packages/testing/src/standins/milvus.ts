import { createRequire } from 'node:module';
import * as grpc from '@grpc/grpc-js';
import { fromJSON } from '@grpc/proto-loader';
import { readFixture } from '../fixtures.ts';
import { privilegesByProto, protoTags } from './milvus-proto-tags.ts';

export { protoTags } from './milvus-proto-tags.ts';

/**
 * A Milvus stand-in: a real gRPC server built from the protocol description the installed SDK ships
 * (dist/milvus/proto-json/milvus.js, loaded with the SDK's own loader options), answering the RPCs the
 * exporter uses from scripted state. Statuses, enums, error codes and messages are Milvus' own
 * (reference/milvus.md §1, §3.4), so the exporter's code path is the one a real server exercises.
 */

const require = createRequire(import.meta.url);
const descriptor = require('@zilliz/milvus2-sdk-node/dist/milvus/proto-json/milvus').default;
const loaderOptions = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true };

// biome-ignore lint/suspicious/noExplicitAny: the loaded package definition is untyped by nature.
const loaded = grpc.loadPackageDefinition(fromJSON(descriptor, loaderOptions)) as any;
const milvusService: grpc.ServiceDefinition = loaded.milvus.proto.milvus.MilvusService.service;

export const systemInfoFixture = (): SystemInfo => JSON.parse(readFixture('milvus/get_metrics_system_info.json'));

// biome-ignore lint/suspicious/noExplicitAny: the system_info document is free-form JSON.
export type SystemInfo = { nodes_info: { identifier: number; infos: any }[] };

export interface IndexState {
  name: string;
  field: string;
  id: string;
  indexedRows: number;
  totalRows: number;
  pendingRows: number;
  state: 'IndexStateNone' | 'Unissued' | 'InProgress' | 'Finished' | 'Failed' | 'Retry';
  failReason?: string;
}

export interface CollectionState {
  id: string;
  rows: number;
  loadState: 'LoadStateNotExist' | 'LoadStateNotLoad' | 'LoadStateLoading' | 'LoadStateLoaded';
  loadingProgress: number;
  partitions: string[];
  replicas: number;
  shards: number;
  indexes: IndexState[];
}

export interface DatabaseState {
  id: string;
  properties: Record<string, string>;
  collections: Map<string, CollectionState>;
}

export interface ResourceGroupState {
  capacity: number;
  availableNodes: number;
  loadedReplicas: Record<string, number>;
  requests: number;
  limits: number;
}

export type Fault = { kind: 'unavailable' } | { kind: 'internal' } | { kind: 'delay'; ms: number } | { kind: 'unimplemented' };

export interface StandinState {
  buildTags: string;
  deployMode: string;
  healthy: boolean;
  reasons: string[];
  /** The proxy's own state code; anything but Healthy makes CheckHealth and GetMetrics answer as below. */
  proxyState: 'Healthy' | 'Abnormal' | 'Initializing';
  /** GetMetrics fails with a status (a coordinator unreachable, say), as the proxy answers then. */
  metricsFailure?: string;
  quotaStates: string[];
  systemInfo: SystemInfo;
  databases: Map<string, DatabaseState>;
  resourceGroups: Map<string, ResourceGroupState>;
  roles: Map<string, string[]>;
  /** When set, authentication is on: user -> password. */
  users?: Map<string, string>;
  /**
   * The milvus-proto tag the proxy was built with (one of fixtures/milvus/rpc-privileges.txt): its RPCs and the
   * privilege each needs. Default: the protocol description of the installed SDK.
   */
  proto?: string;
  /** Privileges per user (root bypasses); a user without an entry may do everything. */
  grants: Map<string, Set<string>>;
  /** Injected failures by RPC name. */
  faults: Map<string, Fault>;
}

/**
 * The privilege Milvus' privilege interceptor checks per RPC, read from the protocol description itself: each
 * request message carries it as the option `(common.privilege_ext_obj).object_privilege` (milvus-proto
 * milvus.proto, e.g. `DescribeIndexRequest` -> `PrivilegeIndexDetail`). RPCs without the option are not checked.
 */
export const rpcPrivileges: ReadonlyMap<string, { readonly privilege: string; readonly objectType: string }> = (() => {
  const protocol = descriptor.nested.milvus.nested.proto.nested.milvus.nested;
  const entries: [string, { privilege: string; objectType: string }][] = [];
  for (const [method, definition] of Object.entries<{ requestType: string }>(protocol.MilvusService.methods)) {
    const options = protocol[definition.requestType]?.options ?? {};
    const privilege = options['(common.privilege_ext_obj).object_privilege'];
    const objectType = options['(common.privilege_ext_obj).object_type'];
    if (typeof privilege === 'string') entries.push([method, { privilege: privilege.replace(/^Privilege/, ''), objectType: String(objectType) }]);
  }
  return new Map(entries);
})();

/** What the proxy of `proto` checks for `method`: a privilege, null for none, undefined when the RPC does not exist there. */
export function privilegeChecked(proto: string | undefined, method: string): { privilege: string } | null | undefined {
  if (proto === undefined) return rpcPrivileges.get(method) ?? null;
  const rpcs = privilegesByProto.get(proto);
  if (rpcs === undefined) throw new Error(`no privilege table for milvus-proto ${proto}; known: ${protoTags.join(', ')}`);
  return rpcs.get(method);
}

export interface Call {
  readonly method: string;
  readonly user: string;
  readonly outcome: 'ok' | 'unauthenticated' | 'permission-denied' | 'fault' | 'status-error';
}

const success = { error_code: 'Success', reason: '', code: 0, retriable: false, detail: '', extra_info: {} };
const failure = (code: number, errorCode: string, reason: string) => ({
  error_code: errorCode,
  reason,
  code,
  retriable: false,
  detail: reason,
  extra_info: {},
});

function defaultState(): StandinState {
  const index = (name: string, field: string, id: string, rows: number): IndexState => ({
    name,
    field,
    id,
    indexedRows: rows,
    totalRows: rows,
    pendingRows: 0,
    state: 'Finished',
  });
  const collection = (id: string, rows: number, extra: Partial<CollectionState> = {}): CollectionState => ({
    id,
    rows,
    loadState: 'LoadStateLoaded',
    loadingProgress: 100,
    partitions: ['_default'],
    replicas: 1,
    shards: 1,
    indexes: [index('embedding_idx', 'embedding', `${id}1`, rows)],
    ...extra,
  });
  return {
    buildTags: 'v2.5.4',
    deployMode: 'DISTRIBUTED',
    healthy: true,
    proxyState: 'Healthy',
    reasons: [],
    quotaStates: [],
    systemInfo: systemInfoFixture(),
    databases: new Map<string, DatabaseState>([
      [
        'default',
        {
          id: '1',
          properties: {},
          collections: new Map([
            ['docs', collection('455764239843011745', 600123, { partitions: ['_default', 'tenant_a', 'tenant_b'], replicas: 2, shards: 2 })],
            ['archive', collection('455764239843214517', 25000, { loadState: 'LoadStateNotLoad', loadingProgress: 0, replicas: 0 })],
          ]),
        },
      ],
      [
        'analytics',
        {
          id: '455764239843000001',
          properties: { 'database.max.collections': '64' },
          collections: new Map([['events', collection('455764239843300001', 1200, {})]]),
        },
      ],
    ]),
    resourceGroups: new Map([
      ['__default_resource_group', { capacity: 1000000, availableNodes: 2, loadedReplicas: { docs: 2, events: 1 }, requests: 0, limits: 1000000 }],
    ]),
    roles: new Map([
      ['admin', ['root']],
      ['public', []],
      ['reader', ['alice', 'exporter']],
    ]),
    grants: new Map(),
    faults: new Map(),
  };
}

export interface MilvusStandin {
  readonly address: string;
  readonly state: StandinState;
  readonly calls: Call[];
  /** Most calls the stand-in was answering at once. */
  readonly maxInFlight: () => number;
  close(): Promise<void>;
}

type Handler = (request: Record<string, unknown>, context: { user: string; db: string }) => unknown;

function findCollection(state: StandinState, request: Record<string, unknown>): [CollectionState | undefined, string, string] {
  const db = String(request.db_name || 'default');
  const name = String(request.collection_name ?? '');
  return [state.databases.get(db)?.collections.get(name), db, name];
}

const missingCollection = (db: string, name: string) => failure(100, 'CollectionNotExists', `can't find collection[database=${db}][collection=${name}]`);

function handlers(state: StandinState): Record<string, Handler> {
  return {
    Connect: () => ({
      status: success,
      server_info: {
        build_tags: state.buildTags,
        build_time: 'Wed, Jan 22, 2025 08:14:51 UTC',
        git_commit: '2e7e9ba7b9',
        go_version: 'go1.22.7',
        deploy_mode: state.deployMode,
      },
      identifier: '456012345678901250',
    }),
    // internal/proxy/impl.go CheckHealth (milvus 001169c0e5): a proxy that is not Healthy answers
    // merr.Status(merr.CheckHealthy(code)) (ErrServiceNotReady, code 1, pkg/util/merr/errors.go) with
    // IsHealthy false and that error as its one reason; otherwise Success with the coordinators' verdict.
    CheckHealth: () => {
      if (state.proxyState !== 'Healthy') {
        const reason = `service not ready[proxy=18][state=${state.proxyState}]`;
        return { status: failure(1, 'NotReadyServe', reason), isHealthy: false, reasons: [reason], quota_states: [] };
      }
      return { status: success, isHealthy: state.healthy, reasons: state.reasons, quota_states: state.quotaStates };
    },
    GetVersion: () => ({ status: success, version: state.buildTags }),
    GetMetrics: (request) => {
      const kind = JSON.parse(String(request.request)).metric_type;
      if (kind !== 'system_info') return { status: failure(1200, 'UnexpectedError', `metric not found[metric=${kind}]`), response: '' };
      // internal/proxy/impl.go GetMetrics: a failure is merr.Status(err) with an empty Response.
      if (state.metricsFailure !== undefined) return { status: failure(2, 'UnexpectedError', state.metricsFailure), response: '' };
      return { status: success, response: JSON.stringify(state.systemInfo), component_name: 'proxy18' };
    },
    ListDatabases: () => ({
      status: success,
      db_names: [...state.databases.keys()],
      db_ids: [...state.databases.values()].map((db) => db.id),
      created_timestamp: [...state.databases.keys()].map(() => '456012345678901249'),
    }),
    DescribeDatabase: (request) => {
      const name = String(request.db_name);
      const db = state.databases.get(name);
      if (db === undefined) return { status: failure(800, 'UnexpectedError', `database not found[database=${name}]`) };
      return { status: success, db_name: name, dbID: db.id, properties: Object.entries(db.properties).map(([key, value]) => ({ key, value })) };
    },
    ShowCollections: (request) => {
      const name = String(request.db_name || 'default');
      const db = state.databases.get(name);
      if (db === undefined) return { status: failure(800, 'UnexpectedError', `database not found[database=${name}]`) };
      const collections = [...db.collections.entries()];
      return {
        status: success,
        collection_names: collections.map(([collection]) => collection),
        collection_ids: collections.map(([, collection]) => collection.id),
        created_timestamps: collections.map(() => '456012345678901249'),
        created_utc_timestamps: collections.map(() => '1738570371904'),
      };
    },
    DescribeCollection: (request) => {
      const [collection, db, name] = findCollection(state, request);
      if (collection === undefined) return { status: missingCollection(db, name) };
      return {
        status: success,
        collectionID: collection.id,
        collection_name: name,
        db_name: db,
        shards_num: collection.shards,
        num_partitions: String(collection.partitions.length),
        consistency_level: 'Bounded',
        schema: {
          name,
          fields: [
            { fieldID: '100', name: 'id', is_primary_key: true, data_type: 'Int64' },
            { fieldID: '101', name: 'embedding', data_type: 'FloatVector', type_params: [{ key: 'dim', value: '768' }] },
          ],
        },
      };
    },
    GetCollectionStatistics: (request) => {
      const [collection, db, name] = findCollection(state, request);
      if (collection === undefined) return { status: missingCollection(db, name) };
      return { status: success, stats: [{ key: 'row_count', value: String(collection.rows) }] };
    },
    GetLoadState: (request) => {
      const [collection, db, name] = findCollection(state, request);
      if (collection === undefined) return { status: missingCollection(db, name) };
      return { status: success, state: collection.loadState };
    },
    GetLoadingProgress: (request) => {
      const [collection, db, name] = findCollection(state, request);
      if (collection === undefined) return { status: missingCollection(db, name) };
      if (collection.loadState === 'LoadStateNotLoad') return { status: failure(101, 'UnexpectedError', `collection not loaded[collection=${collection.id}]`) };
      return { status: success, progress: String(collection.loadingProgress), refresh_progress: '0' };
    },
    ShowPartitions: (request) => {
      const [collection, db, name] = findCollection(state, request);
      if (collection === undefined) return { status: missingCollection(db, name) };
      return {
        status: success,
        partition_names: collection.partitions,
        partitionIDs: collection.partitions.map((_, i) => `${collection.id}${i}`),
        created_timestamps: collection.partitions.map(() => '456012345678901249'),
        created_utc_timestamps: collection.partitions.map(() => '1738570371904'),
        inMemory_percentages: collection.partitions.map(() => '100'),
      };
    },
    GetReplicas: (request) => {
      const collection = [...state.databases.values()].flatMap((db) => [...db.collections.values()]).find((c) => c.id === request.collectionID);
      if (collection === undefined) return { status: failure(100, 'CollectionNotExists', `collection not found[collection=${request.collectionID}]`) };
      if (collection.replicas === 0) return { status: failure(400, 'UnexpectedError', `replica not found[collection=${collection.id}]`) };
      return {
        status: success,
        replicas: Array.from({ length: collection.replicas }, (_, i) => ({
          replicaID: `${collection.id}${i}`,
          collectionID: collection.id,
          node_ids: ['21'],
          resource_group_name: '__default_resource_group',
        })),
      };
    },
    DescribeIndex: (request) => {
      const [collection, db, name] = findCollection(state, request);
      if (collection === undefined) return { status: missingCollection(db, name) };
      if (collection.indexes.length === 0) return { status: failure(700, 'IndexNotExist', 'index not found[indexName=]') };
      return {
        status: success,
        index_descriptions: collection.indexes.map((index) => ({
          index_name: index.name,
          indexID: index.id,
          field_name: index.field,
          params: [{ key: 'index_type', value: 'HNSW' }],
          indexed_rows: String(index.indexedRows),
          total_rows: String(index.totalRows),
          pending_index_rows: String(index.pendingRows),
          state: index.state,
          index_state_fail_reason: index.failReason ?? '',
        })),
      };
    },
    ListResourceGroups: () => ({ status: success, resource_groups: [...state.resourceGroups.keys()] }),
    DescribeResourceGroup: (request) => {
      const name = String(request.resource_group);
      const group = state.resourceGroups.get(name);
      if (group === undefined) return { status: failure(300, 'UnexpectedError', `resource group not found[rg=${name}]`) };
      return {
        status: success,
        resource_group: {
          name,
          capacity: group.capacity,
          num_available_node: group.availableNodes,
          num_loaded_replica: group.loadedReplicas,
          config: { requests: { node_num: group.requests }, limits: { node_num: group.limits } },
        },
      };
    },
    ListCredUsers: () => ({ status: success, usernames: [...(state.users?.keys() ?? ['root'])] }),
    SelectRole: () => ({
      status: success,
      results: [...state.roles.entries()].map(([role, users]) => ({ role: { name: role }, users: users.map((name) => ({ name })) })),
    }),
  };
}

function authenticate(state: StandinState, metadata: grpc.Metadata): { user: string } | { error: string } {
  const header = metadata.get('authorization')[0];
  if (state.users === undefined) return { user: header === undefined ? '' : (Buffer.from(String(header), 'base64').toString().split(':')[0] ?? '') };
  if (header === undefined) return { error: 'missing authorization in header' };
  const decoded = Buffer.from(String(header), 'base64').toString();
  const colon = decoded.indexOf(':');
  if (colon < 0) return { error: 'auth check failure, please check api key is correct' };
  const user = decoded.slice(0, colon);
  if (state.users.get(user) !== decoded.slice(colon + 1)) return { error: 'auth check failure, please check username and password are correct' };
  return { user };
}

/** Starts the stand-in on a loopback port (free unless given); `configure` edits the default scripted state first. */
export async function startMilvusStandin(
  configure: (state: StandinState) => void = () => {},
  port = 0,
  tls?: { ca: Buffer; cert: Buffer; key: Buffer },
): Promise<MilvusStandin> {
  const state = defaultState();
  configure(state);
  const calls: Call[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const byRpc = handlers(state);
  const server = new grpc.Server();
  const implementation: grpc.UntypedServiceImplementation = {};
  for (const method of Object.keys(milvusService)) {
    implementation[method] = (call: grpc.ServerUnaryCall<Record<string, unknown>, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      const record = (user: string, outcome: Call['outcome']) => calls.push({ method, user, outcome });
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const reply: grpc.sendUnaryData<unknown> = (error, value) => {
        inFlight -= 1;
        callback(error, value);
      };
      const auth = authenticate(state, call.metadata);
      if ('error' in auth) {
        record('', 'unauthenticated');
        reply({ code: grpc.status.UNAUTHENTICATED, details: auth.error });
        return;
      }
      const db = String(call.request.db_name || call.metadata.get('dbname')[0] || 'default');
      const checked = privilegeChecked(state.proto, method);
      const privilege = checked?.privilege;
      const granted = state.grants.get(auth.user);
      if (privilege !== undefined && auth.user !== 'root' && granted !== undefined && !granted.has(privilege)) {
        record(auth.user, 'permission-denied');
        reply({ code: grpc.status.PERMISSION_DENIED, details: `Privilege${privilege}: permission deny to ${auth.user} in the \`${db}\` database` });
        return;
      }
      // An RPC the server's proto does not have is unknown to it: UNIMPLEMENTED, like a missing handler.
      const handler = checked === undefined ? undefined : byRpc[method];
      const fault = state.faults.get(method) ?? (handler === undefined ? { kind: 'unimplemented' as const } : undefined);
      const answer = () => {
        // biome-ignore lint/style/noNonNullAssertion: a missing handler is an 'unimplemented' fault above.
        const answered = handler!(call.request, { user: auth.user, db }) as { status?: { code: number } };
        record(auth.user, answered.status?.code === 0 ? 'ok' : 'status-error');
        reply(null, answered);
      };
      if (fault === undefined) return answer();
      if (fault.kind === 'delay') {
        setTimeout(answer, fault.ms);
        return;
      }
      record(auth.user, 'fault');
      const code = { unavailable: grpc.status.UNAVAILABLE, internal: grpc.status.INTERNAL, unimplemented: grpc.status.UNIMPLEMENTED }[fault.kind];
      reply({ code, details: `${fault.kind} (injected by the stand-in)` });
    };
  }
  server.addService(milvusService, implementation);
  // With TLS, client certificates are required and checked against the CA (mutual TLS).
  const credentials =
    tls === undefined
      ? grpc.ServerCredentials.createInsecure()
      : grpc.ServerCredentials.createSsl(tls.ca, [{ private_key: tls.key, cert_chain: tls.cert }], true);
  const bound = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${port}`, credentials, (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return {
    address: `127.0.0.1:${bound}`,
    state,
    calls,
    maxInFlight: () => maxInFlight,
    close: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
        setTimeout(() => server.forceShutdown(), 500).unref();
      }),
  };
}
