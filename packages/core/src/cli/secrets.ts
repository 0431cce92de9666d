import { readFileSync } from 'node:fs';
import { KeepwatchError } from '../errors.ts';

/** Reads a secret from a file (Kubernetes secret volume style); one trailing newline is dropped. */
export function readSecretFile(path: string, origin: string): string {
  try {
    return readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new KeepwatchError('KW_ERR_FILE', `${origin} ${path}: cannot read the file (${code})`);
  }
}

export function readFileOrFail(path: string, origin: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new KeepwatchError('KW_ERR_FILE', `${origin} ${path}: cannot read the file (${code})`);
  }
}
