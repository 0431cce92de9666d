import { readFileSync, writeFileSync } from 'node:fs';
import { renderReadme } from '../src/docs.ts';

const path = new URL('../README.md', import.meta.url);
writeFileSync(path, renderReadme(readFileSync(path, 'utf8')));
