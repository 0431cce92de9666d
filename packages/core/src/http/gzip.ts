import { constants, type Gzip, gzipSync } from 'node:zlib';

/** What `gzipSync(..., { info: true })` returns; @types/node types the call as returning the buffer only. */
interface GzipResult {
  readonly buffer: Buffer;
  readonly engine: Gzip & { _outBuffer?: Buffer };
}

/**
 * The body at level 1 (a third of level 6's CPU for ~15 % more bytes on exposition text), synchronously,
 * since the work is shorter than a thread-pool round trip.
 *
 * A finished zlib engine survives young-generation GCs until the next full GC (it has a native handle), and
 * its 16 KiB output buffer with it: 6,000 bodies in a loop held ~9 MB of such buffers, 37 against 19 MiB of
 * private memory (bench/README.md). The body is a slice of that buffer, so the engine lets go of it and the
 * buffer goes with the response. `_outBuffer` is Node's own field; should it be renamed, the assignment
 * does nothing and only the memory comes back (a test checks the field is still there).
 */
export function gzipBody(text: string): Buffer {
  const { buffer, engine } = gzipSync(text, { level: constants.Z_BEST_SPEED, info: true }) as unknown as GzipResult;
  engine._outBuffer = undefined;
  return buffer;
}
