import { readFileSync } from 'node:fs';

export const dockerfilePath = new URL('../../deploy/Dockerfile', import.meta.url).pathname;

/** How the container image starts a bundle: the node flags of its ENTRYPOINT and its ENV, so tests and bench/ run exactly that. */
export function imageCommandLine(dockerfile = readFileSync(dockerfilePath, 'utf8')): { nodeFlags: string[]; env: Record<string, string> } {
  const entrypoint = JSON.parse(/^ENTRYPOINT (.+)$/m.exec(dockerfile)?.[1] ?? '[]') as string[];
  const env = Object.fromEntries([...dockerfile.matchAll(/^ENV (\w+)=(\S+)$/gm)].map(([, name, value]) => [name as string, value as string]));
  return { nodeFlags: entrypoint.filter((arg) => arg.startsWith('--')), env };
}
