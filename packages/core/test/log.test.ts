import fc from 'fast-check';
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

  test('secrets with quotes, backslashes, spaces, %, unicode and newlines are redacted in both formats (they were printed in full once escaped)', () => {
    const canaries = ['pa"ss', 'back\\slash', 'two words', '100%sure', 'пароль🔑', 'line\nbreak', 'tab\there', `mix "\\ %\n ü`];
    for (const format of ['json', 'logfmt'] as const) {
      for (const secret of canaries) {
        const lines: string[] = [];
        const log = createLogger({ level: 'info', format, secrets: [secret], write: (line) => lines.push(line) });
        log.warn(`auth failed with ${secret}`, { detail: `x ${secret} y`, key: secret });
        const line = lines.join('\n');
        for (const form of [secret, JSON.stringify(secret).slice(1, -1)]) expect(line, `${format}: ${JSON.stringify(secret)}`).not.toContain(form);
        expect(line).toContain('<redacted>');
      }
    }
  });

  test('any secret, anywhere in a message or a field, never reaches a line (property)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 20 }), fc.string(), fc.string(), fc.constantFrom('json', 'logfmt'), (tail, before, after, format) => {
        const secret = `Kw${tail}`;
        const lines: string[] = [];
        const log = createLogger({ level: 'info', format, secrets: [secret], write: (line) => lines.push(line) });
        log.warn(`${before}${secret}${after}`, { reason: `${after}${secret}` });
        const line = lines.join('');
        return !line.includes(secret) && !line.includes(JSON.stringify(secret).slice(1, -1));
      }),
      { numRuns: 500 },
    );
  });

  test('warnOnce warns once, then logs at debug', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'debug', format: 'logfmt', write: (line) => lines.push(line) });
    log.warnOnce('same', { a: 1 });
    log.warnOnce('same', { a: 1 });
    expect(lines.map((line) => /level=(\w+)/.exec(line)?.[1])).toEqual(['warn', 'debug']);
  });
});
