import { type RespCaps, type RespCollector, versionNumber } from '@keepwatch/resp';
import type { InfoDocument } from '@keepwatch/resp/info';

export interface ValkeyCaps extends RespCaps {
  readonly server: 'valkey' | 'redis';
  readonly clusterEnabled: boolean;
  /** Started with --sentinel: only INFO and SENTINEL are there to read. */
  readonly sentinel: boolean;
}

export function detectValkeyCaps(info: InfoDocument): ValkeyCaps {
  const isValkey = info.get('server_name') === 'valkey' && info.get('valkey_version') !== undefined;
  const version = (isValkey ? info.get('valkey_version') : info.get('redis_version')) ?? '0.0.0';
  return {
    server: isValkey ? 'valkey' : 'redis',
    version,
    versionNumber: versionNumber(version),
    clusterEnabled: info.get('cluster_enabled') === '1',
    // src/server.c genValkeyInfoString: server_mode (Valkey) or redis_mode (Redis) is "sentinel".
    sentinel: (info.get('server_mode') ?? info.get('redis_mode')) === 'sentinel',
  };
}

export type ValkeyCollector = RespCollector<ValkeyCaps>;
