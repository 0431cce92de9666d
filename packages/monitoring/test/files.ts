import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Every file below `root`, as paths relative to it (the committed side of a generated directory). */
export function filesUnder(root: string, dir = root): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(root, join(dir, entry.name)) : [relative(root, join(dir, entry.name))],
  );
}
