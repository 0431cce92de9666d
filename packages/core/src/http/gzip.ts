import { constants, gzipSync } from 'node:zlib';

/**
 * The body at level 1 (a third of level 6's CPU for ~15 % more bytes on exposition text), synchronously,
 * since the work is shorter than a thread-pool round trip. bench/node-floor.ts compresses the same way.
 */
export function gzipBody(bytes: Buffer): Buffer {
  return gzipSync(bytes, { level: constants.Z_BEST_SPEED });
}
