import { build } from 'esbuild';
import { lazyBuiltinsPlugin } from './lazy-builtins.ts';

/**
 * The production artefact: one ESM file with every dependency inlined, run by plain `node` (no
 * node_modules, no TypeScript). ioredis is CommonJS, so the bundle gets a real `require` for builtins.
 */
export const bundlePath = new URL('../dist/valkey-exporter.mjs', import.meta.url).pathname;

export async function bundle(): Promise<string> {
  const result = await build({
    entryPoints: [new URL('../src/main.ts', import.meta.url).pathname],
    outfile: bundlePath,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    minify: true,
    legalComments: 'none',
    banner: { js: "import { createRequire as __kwRequire } from 'node:module'; const require = __kwRequire(import.meta.url);" },
    plugins: [lazyBuiltinsPlugin],
    logLevel: 'warning',
  });
  if (result.warnings.length > 0) throw new Error(`bundle: esbuild reported ${result.warnings.length} warning(s), printed above`);
  return bundlePath;
}

if (import.meta.url === `file://${process.argv[1]}`) await bundle();
