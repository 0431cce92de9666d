import { errorText, KeepwatchError } from '@keepwatch/core/errors';
import { type ClientConfig, logger, MilvusClient } from '@zilliz/milvus2-sdk-node';
import type { MilvusSettings } from './settings.ts';

// The SDK logs through its own console logger (request bodies at debug under NODE_ENV=test); the exporter
// has one log format, so the SDK's is silenced and its failures surface as the exporter's own lines.
logger.silent = true;

/**
 * A client with the SDK's traps disarmed (reference/milvus.md §1.4): no Connect from the constructor (its
 * unawaited promise kills the process when Milvus is down, and a failure there poisons later calls), no
 * SDK retries (they hang until the deadline on UNAVAILABLE), no telemetry heartbeats, an explicit timeout.
 * A failed Connect is retried with a new `connect()` on the same client, which replaces the sticky promise.
 */
export function createMilvusClient(settings: MilvusSettings): MilvusClient {
  const config: ClientConfig = {
    address: settings.address,
    __SKIP_CONNECT__: true,
    maxRetries: 0,
    timeout: settings.timeoutMs,
    telemetry: { enabled: false },
    pool: { min: 1, max: settings.concurrency },
    ...(settings.username === undefined ? {} : { username: settings.username }),
    ...(settings.password === undefined ? {} : { password: settings.password }),
    ...(settings.token === undefined ? {} : { token: settings.token }),
    ...(settings.tls === undefined ? {} : { ssl: true, tls: settings.tls }),
  };
  return new MilvusClient(config);
}

/** Connects the client (the Connect RPC, bounded by the client's timeout); rejects with the gRPC error. */
export async function connectMilvusClient(client: MilvusClient): Promise<void> {
  client.connect(MilvusClient.sdkInfo.version);
  await client.connectPromise;
}

/** gRPC status codes the exporter tells apart (the SDK surfaces them as `error.code`). */
export const grpcCode = { deadlineExceeded: 4, permissionDenied: 7, unimplemented: 12, unavailable: 14, unauthenticated: 16 } as const;

export function grpcStatusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** A gRPC error's own text (its `details`, without the code that prefixes its message); any other error's line. */
export function grpcDetails(error: unknown): string {
  const text = (error as { details?: unknown } | null | undefined)?.details;
  return typeof text === 'string' && text !== '' ? text : errorText(error);
}

/** A transport or credential failure as the one line a user reads; undefined for any other error. */
export function connectionError(error: unknown, settings: MilvusSettings): KeepwatchError | undefined {
  switch (grpcStatusOf(error)) {
    case grpcCode.unauthenticated: {
      if (settings.username === undefined && settings.token === undefined) {
        return new KeepwatchError(
          'KW_ERR_TARGET_AUTH',
          `Milvus at ${settings.display} requires credentials (${grpcDetails(error)}): set --milvus.username with --milvus.password-file, or --milvus.token-file`,
        );
      }
      const who = settings.username === undefined ? 'the token' : `user ${settings.username}`;
      return new KeepwatchError('KW_ERR_TARGET_AUTH', `Milvus at ${settings.display} rejected ${who}: ${grpcDetails(error)}`);
    }
    case grpcCode.unavailable:
      return new KeepwatchError('KW_ERR_TARGET_UNREACHABLE', `cannot reach Milvus at ${settings.display}: ${grpcDetails(error)}`);
    case grpcCode.deadlineExceeded:
      return new KeepwatchError('KW_ERR_TARGET_TIMEOUT', `Milvus at ${settings.display} did not answer in time`);
    default:
      return undefined;
  }
}
