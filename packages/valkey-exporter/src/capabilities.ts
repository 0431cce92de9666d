import type { InfoDocument } from '@keepwatch/core/redis-info';

export type Flavour = 'valkey' | 'redis';

/** What one connection's server is and may be asked; detected once per connection. */
export interface ValkeyCaps {
  readonly flavour: Flavour;
  readonly version: string;
  readonly versionNumber: number;
  readonly clusterEnabled: boolean;
  /** Commands (by key, e.g. `acl-log`) refused on this connection; never sent again until reconnect. */
  readonly refused: Map<string, string>;
}

/** 8.1.2 becomes 80102, so gates read as `caps.versionNumber >= 80100`. */
export function versionNumber(version: string): number {
  const [major = 0, minor = 0, patch = 0] = version.split('.').map((part) => Number.parseInt(part, 10) || 0);
  return major * 10000 + minor * 100 + patch;
}

export function detectCaps(info: InfoDocument): ValkeyCaps {
  const isValkey = info.get('server_name') === 'valkey' && info.get('valkey_version') !== undefined;
  const version = (isValkey ? info.get('valkey_version') : info.get('redis_version')) ?? '0.0.0';
  return {
    flavour: isValkey ? 'valkey' : 'redis',
    version,
    versionNumber: versionNumber(version),
    clusterEnabled: info.get('cluster_enabled') === '1',
    refused: new Map(),
  };
}

/** Replies that mean "this server will never accept this command from us", as opposed to a passing failure. */
export function isRefusal(message: string): boolean {
  return /^(NOPERM|ERR unknown command|ERR unknown subcommand|ERR unknown or unsupported|ERR .*command not allowed)/i.test(message);
}
