import { readFileSync } from 'node:fs';

export const dockerfilePath = new URL('../../deploy/Dockerfile', import.meta.url).pathname;

/** The image's ENTRYPOINT (what a chart that replaces the command must repeat). */
export function entrypoint(dockerfile = readFileSync(dockerfilePath, 'utf8')): string[] {
  return JSON.parse(/^ENTRYPOINT (.+)$/m.exec(dockerfile)?.[1] ?? '[]') as string[];
}

/**
 * How the container image starts a bundle, so tests, bench/ and the single executables run exactly that: its
 * ENV (ARG defaults substituted) and every node flag, the ENTRYPOINT's and those of NODE_OPTIONS.
 */
export function imageCommandLine(dockerfile = readFileSync(dockerfilePath, 'utf8')): { nodeFlags: string[]; env: Record<string, string> } {
  const args = new Map([...dockerfile.matchAll(/^ARG (\w+)=(\S+)$/gm)].map(([, name, value]) => [name as string, value as string]));
  const env = Object.fromEntries(
    [...dockerfile.matchAll(/^ENV (\w+)=(?:"([^"]*)"|(\S+))$/gm)].map(([, name, quoted, bare]) => [
      name as string,
      (quoted ?? bare ?? '').replace(/\$\{(\w+)\}/g, (_, arg: string) => args.get(arg) ?? ''),
    ]),
  );
  return { nodeFlags: [...entrypoint(dockerfile).filter((arg) => arg.startsWith('--')), ...(env.NODE_OPTIONS ?? '').split(' ').filter(Boolean)], env };
}
