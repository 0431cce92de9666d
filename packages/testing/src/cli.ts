import { spawnSync } from 'node:child_process';

/**
 * Runs an exporter's entry point as a user would, with nothing from the test's environment but PATH (so no
 * stray password variable changes what a case means), and returns its exit status and output.
 */
export function runCli(main: string, args: readonly string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env }, timeout: 20_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
