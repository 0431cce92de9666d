import { readFileSync } from 'node:fs';
import { gzipBody } from '../packages/core/src/http/gzip.ts';

/**
 * The fixed exposition in `file` as a floor answers it on every request: written line by line into a reused
 * buffer and gzipped as valkey-exporter does, or copied when the client does not ask for gzip.
 */
export function floorBody(file: string): (gzip: boolean) => Buffer {
  const lines = readFileSync(file, 'utf8').split(/(?<=\n)/);
  const scratch = Buffer.allocUnsafe(Buffer.byteLength(lines.join('')));
  return (gzip) => {
    let used = 0;
    for (const line of lines) used += scratch.write(line, used);
    const bytes = scratch.subarray(0, used);
    return gzip ? gzipBody(bytes) : Buffer.from(bytes);
  };
}
