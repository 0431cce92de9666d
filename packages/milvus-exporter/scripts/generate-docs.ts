import { readFileSync, writeFileSync } from 'node:fs';
import { withTestedVersions } from '@keepwatch/testing/compatibility';
import { renderReadme } from '../src/docs.ts';
import { grantJobManifest } from '../src/grant-job.ts';

const path = new URL('../README.md', import.meta.url);
writeFileSync(path, withTestedVersions('milvus', renderReadme(readFileSync(path, 'utf8'))));
writeFileSync(new URL('../../../deploy/kubernetes/milvus-exporter-grants.yaml', import.meta.url), grantJobManifest());
