import { constants, gzipSync } from 'node:zlib';

/** What `gzipSync(..., { info: true })` returns: the body, and the engine that made it. */
interface GzipResult {
  readonly buffer: Buffer;
  readonly engine: { _outBuffer?: Buffer };
}

/**
 * The body at level 1 (a third of level 6's CPU for ~15 % more bytes on exposition text), synchronously,
 * since the work is shorter than a thread-pool round trip. bench/node-floor.ts compresses the same way.
 *
 * The finished engine keeps its 16 KiB output buffer (`_outBuffer`, lib/zlib.js) and, held by its native
 * handle, survives young-generation GCs until a full GC: with a full GC every few hundred scrapes, megabytes
 * of dead buffers. Dropping the reference when the body is made frees it with the next young-generation GC
 * (bench/ab.ts, two pairs in turns: RSS 83.2 -> 81.6 and 82.3 -> 80.6 MiB, CPU per scrape -3 and -5 %, p99
 * -1.4 and -1.0 ms). A Node without that field is left as it is.
 */
export function gzipBody(bytes: Buffer): Buffer {
  const { buffer, engine } = gzipSync(bytes, { level: constants.Z_BEST_SPEED, info: true }) as unknown as GzipResult;
  if ('_outBuffer' in engine) engine._outBuffer = undefined;
  return buffer;
}
