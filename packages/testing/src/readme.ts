import { readFileSync } from 'node:fs';
import { errorCatalogue } from '@keepwatch/core/errors';
import { describe, expect, test } from 'vitest';

/** The checks every package README gets: generated blocks up to date, every error code documented once. */
export function describeGeneratedReadme(readmeUrl: URL, render: (current: string) => string): void {
  const readme = readFileSync(readmeUrl, 'utf8');
  describe('the package README', () => {
    test('its generated blocks match the code (run `pnpm run docs` after changing flags, collectors or the catalogue)', () => {
      expect(render(readme)).toBe(readme);
    });

    test('every error code is documented, and nothing undocumented is documented', () => {
      const documented = [...readme.matchAll(/^\| `(KW_ERR_[A-Z_]+)` \|/gm)].map((match) => match[1]);
      expect(documented.sort()).toEqual(Object.keys(errorCatalogue).sort());
    });
  });
}
