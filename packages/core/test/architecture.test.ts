import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');
const packagesDir = join(root, 'packages');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** `@keepwatch/<pkg>/<subpath>` -> file, from each workspace package's `exports`. */
const workspaceExports = new Map<string, string>();
for (const name of readdirSync(packagesDir)) {
  const manifest = JSON.parse(readFileSync(join(packagesDir, name, 'package.json'), 'utf8')) as { name: string; exports?: Record<string, string> };
  for (const [subpath, file] of Object.entries(manifest.exports ?? {})) {
    workspaceExports.set(subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`, join(packagesDir, name, file));
  }
}

/** The workspace modules a file imports (types included: a cycle of types is still a cycle for a reader). */
function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/^(?:import|export)\b[^;]*?from\s+'([^']+)'/gms)].map((match) => match[1] ?? '');
  return specifiers.flatMap((specifier) => {
    if (specifier.startsWith('.')) return specifier.endsWith('.ts') ? [resolve(dirname(file), specifier)] : [];
    const target = workspaceExports.get(specifier);
    return target === undefined ? [] : [target];
  });
}

const sources = readdirSync(packagesDir).flatMap((name) => sourceFiles(join(packagesDir, name, 'src')));
const graph = new Map(sources.map((file) => [file, imports(file)]));

describe('architecture', () => {
  test('the graph is read: every package has sources and imports resolve to files that exist', () => {
    expect(sources.length).toBeGreaterThan(100);
    const unresolved = [...graph].flatMap(([file, targets]) => targets.filter((target) => !graph.has(target)).map((target) => `${file} -> ${target}`));
    expect(unresolved).toEqual([]);
  });

  test('no import cycle between source modules', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...path.slice(path.indexOf(file)), file].map((step) => relative(packagesDir, step)).join(' -> '));
        return;
      }
      state.set(file, 'open');
      for (const target of graph.get(file) ?? []) visit(target, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of graph.keys()) visit(file, []);
    expect(cycles).toEqual([]);
  });

  test('core knows no engine: it imports no other workspace package and names none', () => {
    const core = sources.filter((file) => file.startsWith(join(packagesDir, 'core', 'src')));
    expect(core.length).toBeGreaterThan(20);
    const outward = core.flatMap((file) =>
      (graph.get(file) ?? []).filter((target) => !target.startsWith(join(packagesDir, 'core'))).map((target) => `${file} -> ${target}`),
    );
    expect(outward).toEqual([]);
    const naming = core.filter((file) => /valkey|redis|dragonfly|milvus/i.test(readFileSync(file, 'utf8'))).map((file) => relative(packagesDir, file));
    expect(naming).toEqual([]);
  });
});
