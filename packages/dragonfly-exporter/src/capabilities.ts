import { KeepwatchError } from '@keepwatch/core/errors';
import { type RespCaps, type RespCollector, versionNumber } from '@keepwatch/resp';
import type { InfoDocument } from '@keepwatch/resp/info';

export interface DragonflyCaps extends RespCaps {
  readonly server: 'dragonfly';
}

export type DragonflyCollector = RespCollector<DragonflyCaps>;

/** Version gates, from the release in which Dragonfly changed (reference/dragonfly.md section 2.18). */
export const since = {
  /**
   * Errorstats counts failed AUTH and HELLO AUTH, and commands refused with NOAUTH, under the kind `no_auth`
   * instead of the full messages: v1.37.0 (upstream commit 76eb03c58, #6449; checked with `git merge-base
   * --is-ancestor 76eb03c58 v1.37.0`), not 1.38 as the notes said.
   */
  noAuthErrorKind: versionNumber('1.37.0'),
} as const;

/**
 * Where Dragonfly writes its own version (`df-` and `git describe`, src/server/version.cc.in), by release,
 * as upstream's ServerFamily::Info appends it: `dragonfly_version` from v1.7.0, `dfly_version` in v1.0 to
 * v1.6 (both with `redis_version` a fixed compatibility string), and `redis_version` itself before v1.0.
 */
function dragonflyVersion(info: InfoDocument): string | undefined {
  const redis = info.get('redis_version');
  return info.get('dragonfly_version') ?? info.get('dfly_version') ?? (redis?.startsWith('df-') ? redis : undefined);
}

/** A dev build (`df-dev`, no release number) is built from main: newer than every release, so every gate is open. */
const devBuildVersion = '99.0.0';

/**
 * Dragonfly is told by its own version field (see dragonflyVersion). Any other server is refused with a
 * pointer to the right exporter, so no metric is ever mislabelled.
 */
export function detectDragonflyCaps(info: InfoDocument): DragonflyCaps {
  const raw = dragonflyVersion(info);
  if (raw === undefined) {
    const other =
      info.get('valkey_version') === undefined ? `Redis ${info.get('redis_version') ?? '(unknown version)'}` : `Valkey ${info.get('valkey_version')}`;
    throw new KeepwatchError('KW_ERR_TARGET_ENGINE', `the target is ${other}, not Dragonfly (no Dragonfly version in INFO); use valkey-exporter for it`);
  }
  const version = raw.replace(/^df-v?/, '');
  return { server: 'dragonfly', version, versionNumber: versionNumber(/^\d+\.\d+/.test(version) ? version : devBuildVersion) };
}
