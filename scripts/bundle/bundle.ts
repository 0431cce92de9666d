import { type BuildOptions, build } from 'esbuild';
import { lazyBuiltinsPlugin } from './lazy-builtins.ts';
import { leftOutPlugin } from './left-out.ts';
import { privateFieldsPlugin } from './private-fields.ts';

/** Whether each bundle loads the TLS and crypto built-ins on first use (see lazy-builtins.ts). */
const exporters = {
  'valkey-exporter': { lazyBuiltins: true },
  'dragonfly-exporter': { lazyBuiltins: true },
  // The Milvus SDK pulls in the AWS SDK, which imports node:crypto functions by name at start-up.
  'milvus-exporter': { lazyBuiltins: false },
} as const;
export type ExporterName = keyof typeof exporters;
export const exporterNames = Object.keys(exporters) as ExporterName[];

/**
 * The esbuild options every build of an exporter's code shares (the .mjs, the single executable, and bench/'s
 * servers built as the exporter is). Its plugins: what Fastify never uses left out, the RESP decoder's private
 * members made plain, and the lazy TLS and crypto built-ins where they apply.
 */
export const exporterBuildOptions = (exporter: ExporterName) =>
  ({
    bundle: true,
    platform: 'node',
    target: 'node24',
    minify: true,
    legalComments: 'none',
    plugins: [leftOutPlugin, privateFieldsPlugin, ...(exporters[exporter].lazyBuiltins ? [lazyBuiltinsPlugin] : [])],
    logLevel: 'warning',
  }) satisfies BuildOptions;

const packageUrl = (exporter: ExporterName) => new URL(`../../packages/${exporter}/`, import.meta.url);

/** ioredis and the gRPC stack are CommonJS: an ESM bundle gets a real `require` for built-ins. */
export const requireBanner = { js: "import { createRequire as __kwRequire } from 'node:module'; const require = __kwRequire(import.meta.url);" };

export const bundlePath = (exporter: ExporterName): string => new URL(`dist/${exporter}.mjs`, packageUrl(exporter)).pathname;

/**
 * The production artefact of one exporter: one ESM file with every dependency inlined, run by plain `node`
 * (no node_modules, no TypeScript).
 */
export async function bundle(exporter: ExporterName): Promise<string> {
  const result = await build({
    ...exporterBuildOptions(exporter),
    entryPoints: [new URL('src/main.ts', packageUrl(exporter)).pathname],
    outfile: bundlePath(exporter),
    format: 'esm',
    banner: requireBanner,
  });
  if (result.warnings.length > 0) throw new Error(`bundle: esbuild reported ${result.warnings.length} warning(s), printed above`);
  return bundlePath(exporter);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const exporter = exporterNames.find((name) => name === process.argv[2]);
  if (exporter === undefined) {
    process.stderr.write(`usage: node scripts/bundle/bundle.ts <${exporterNames.join('|')}>\n`);
    process.exit(2);
  }
  await bundle(exporter);
}
