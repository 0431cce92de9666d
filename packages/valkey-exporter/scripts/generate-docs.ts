import { readFileSync, writeFileSync } from 'node:fs';
import { withTestedVersions } from '@keepwatch/testing/compatibility';
import { renderReadme } from '../src/docs.ts';

const path = new URL('../README.md', import.meta.url);
writeFileSync(path, withTestedVersions('valkey', renderReadme(readFileSync(path, 'utf8'))));
