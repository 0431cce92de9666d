/** What one connection's server is and may be asked; detected once per connection. */
export interface RespCaps {
  /** `valkey`, `redis` or `dragonfly`: the `server` label of instance_info. */
  readonly server: string;
  readonly version: string;
  readonly versionNumber: number;
}

/** 8.1.2 becomes 80102, so gates read as `caps.versionNumber >= 80100`. */
export function versionNumber(version: string): number {
  const [major = 0, minor = 0, patch = 0] = version.split('.').map((part) => Number.parseInt(part, 10) || 0);
  return major * 10000 + minor * 100 + patch;
}

/**
 * Replies that mean "this server will never accept this command from us", as opposed to a passing failure.
 * Dragonfly spells them ``ERR unknown command `X` `` and `ERR Unknown subcommand or wrong number of arguments`.
 */
export function isRefusal(message: string): boolean {
  return /^(NOPERM|ERR unknown command|ERR unknown subcommand|ERR unknown or unsupported|ERR .*command not allowed|ERR .*Not Implemented)/i.test(message);
}
