import type { Labels } from '@keepwatch/core/metrics';
import { memoizedByName } from './memoized.ts';

/**
 * `{ cmd }`, one object per command name for the process: commandstats, latencystats and the latency
 * histogram label four to fourteen samples per command on every scrape.
 */
export const commandLabels = memoizedByName((cmd: string): Labels => ({ cmd }));
