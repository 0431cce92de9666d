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
 * Dragonfly is told by `dragonfly_version` (`df-v1.40.1`): its `redis_version` is a fixed compatibility
 * string. Any other server is refused with a pointer to the right exporter, so no metric is ever
 * mislabelled.
 */
export function detectDragonflyCaps(info: InfoDocument): DragonflyCaps {
  const raw = info.get('dragonfly_version');
  if (raw === undefined) {
    const other =
      info.get('valkey_version') === undefined ? `Redis ${info.get('redis_version') ?? '(unknown version)'}` : `Valkey ${info.get('valkey_version')}`;
    throw new KeepwatchError('KW_ERR_TARGET_ENGINE', `the target is ${other}, not Dragonfly (no dragonfly_version in INFO); use valkey-exporter for it`);
  }
  const version = raw.replace(/^df-v?/, '');
  return { server: 'dragonfly', version, versionNumber: versionNumber(version) };
}
