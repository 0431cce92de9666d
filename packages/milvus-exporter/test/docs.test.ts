import { readFileSync } from 'node:fs';
import { errorCatalogue } from '@keepwatch/core/errors';
import { describe, expect, test } from 'vitest';
import { renderReadme } from '../src/docs.ts';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('the package README', () => {
  test('its generated blocks match the code (run `pnpm run docs` after changing flags, collectors or the catalogue)', () => {
    expect(renderReadme(readme)).toBe(readme);
  });

  test('every error code is documented', () => {
    const documented = [...readme.matchAll(/^\| `(KW_ERR_[A-Z_]+)` \|/gm)].map((match) => match[1]);
    expect(documented.sort()).toEqual(Object.keys(errorCatalogue).sort());
  });
});
