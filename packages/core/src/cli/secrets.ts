import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { KeepwatchError } from '../errors.ts';

/** Reads a secret from a file (Kubernetes secret volume style); one trailing newline is dropped. */
export function readSecretFile(path: string, origin: string): string {
  return readFileOrFail(path, origin)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

export function readFileOrFail(path: string, origin: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new KeepwatchError('KW_ERR_FILE', `${origin} ${path}: cannot read the file (${code})`);
  }
}

/** A YAML mapping as parsed: keys to values still to be checked. */
export type YamlMapping = Record<string, unknown>;

export function isYamlMapping(value: unknown): value is YamlMapping {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A YAML file named by a flag, parsed; an unreadable file or bad YAML is one line from `fail`/KW_ERR_FILE. */
export function readYamlFile(path: string, flag: string, fail: (why: string) => KeepwatchError): unknown {
  const text = readFileOrFail(path, flag).toString('utf8');
  try {
    return parse(text) ?? {};
  } catch (error) {
    throw fail(`not valid YAML (${(error as Error).message.split('\n')[0]})`);
  }
}
