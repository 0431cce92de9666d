import { withTestedVersions } from '@keepwatch/testing/compatibility';
import { describeGeneratedReadme } from '@keepwatch/testing/readme';
import { renderReadme } from '../src/docs.ts';

describeGeneratedReadme(new URL('../README.md', import.meta.url), (readme) => withTestedVersions('dragonfly', renderReadme(readme)));
