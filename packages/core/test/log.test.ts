import { describe, expect, test } from 'vitest';
import { createLogger } from '../src/log.ts';

describe('the logger', () => {
  test('never prints a registered secret, whatever the message', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'info', format: 'json', secrets: ['s3cret'], write: (line) => lines.push(line) });
    log.warn('auth failed with s3cret', { detail: 'x s3cret y' });
    expect(lines.join('')).not.toContain('s3cret');
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ level: 'warn', msg: 'auth failed with <redacted>', detail: 'x <redacted> y' });
  });

  test('warnOnce warns once, then logs at debug', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'debug', format: 'logfmt', write: (line) => lines.push(line) });
    log.warnOnce('same', { a: 1 });
    log.warnOnce('same', { a: 1 });
    expect(lines.map((line) => /level=(\w+)/.exec(line)?.[1])).toEqual(['warn', 'debug']);
  });
});
