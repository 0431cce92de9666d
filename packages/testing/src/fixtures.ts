import { readFileSync } from 'node:fs';

/**
 * A reply or log sample under packages/testing/fixtures/ (`dragonfly/info_all.txt`), shared by the stand-ins
 * and the tests. `dragonfly/` and `milvus/` are copies of shared/fixtures (reconstructed from the engines'
 * source, Dragonfly 1.40.1); `valkey/` is a capture from a real Valkey 8.0.1.
 */
export function readFixture(path: string): string {
  return readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8');
}
