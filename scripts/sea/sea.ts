import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { type ExporterName, exporterBuildOptions, exporterNames } from '../bundle/bundle.ts';
import { imageCommandLine } from '../bundle/image.ts';

/** The definition each exporter's package exports, which the executable runs. */
const definitions: Record<ExporterName, string> = {
  'valkey-exporter': 'valkeyExporter',
  'dragonfly-exporter': 'dragonflyExporter',
  'milvus-exporter': 'milvusExporter',
};

const packageDir = (exporter: ExporterName) => new URL(`../../packages/${exporter}/`, import.meta.url).pathname;
export const seaPath = (exporter: ExporterName) => join(packageDir(exporter), 'dist', exporter);

/** Node's marker in its own binary that a single executable application blob was injected (the SEA docs' value). */
const fuse = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

/**
 * A single executable application (Node's SEA): this Node binary with one exporter's CommonJS bundle injected
 * (postject), so it runs where no Node is installed. The node flags are the container image's (deploy/Dockerfile
 * ENTRYPOINT), carried in the blob's execArgv. Written to packages/<exporter>/dist/<exporter>.
 */
export async function buildSea(exporter: ExporterName): Promise<string> {
  const work = mkdtempSync(join(tmpdir(), `keepwatch-sea-${exporter}-`));
  try {
    const main = join(work, `${exporter}.cjs`);
    // An SEA's main script is CommonJS, which has no top-level await: the entry calls the runner without it.
    const result = await build({
      ...exporterBuildOptions(exporter),
      stdin: {
        contents: `import { runExporterMain } from '@keepwatch/core/bootstrap'; import { ${definitions[exporter]} } from './src/definition.ts'; void runExporterMain(${definitions[exporter]});`,
        resolveDir: packageDir(exporter),
        loader: 'ts',
        sourcefile: 'sea-entry.ts',
      },
      outfile: main,
      format: 'cjs',
    });
    if (result.warnings.length > 0) throw new Error(`sea: esbuild reported ${result.warnings.length} warning(s), printed above`);
    const blob = join(work, `${exporter}.blob`);
    const config = join(work, 'sea-config.json');
    const { nodeFlags } = imageCommandLine();
    writeFileSync(config, JSON.stringify({ main, output: blob, disableExperimentalSEAWarning: true, execArgv: nodeFlags }));
    execFileSync(process.execPath, ['--experimental-sea-config', config], { stdio: 'pipe' });
    const output = seaPath(exporter);
    copyFileSync(process.execPath, output);
    chmodSync(output, 0o755);
    const postject = createRequire(import.meta.url).resolve('postject/dist/cli.js');
    execFileSync(process.execPath, [postject, output, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', fuse], { stdio: 'pipe' });
    return output;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const requested = process.argv.slice(2);
  const chosen = requested.length === 0 ? exporterNames : exporterNames.filter((name) => requested.includes(name));
  for (const exporter of chosen) process.stdout.write(`${await buildSea(exporter)}\n`);
}
