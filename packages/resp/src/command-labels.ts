import { type Labels, labelSets, lasting } from '@keepwatch/core/metrics';

/**
 * `{ cmd }`, one object per command name for the process: commandstats, latencystats and the latency
 * histogram label four to fourteen samples per command on every scrape.
 */
export const commandLabels = labelSets((cmd: string): Labels => lasting({ cmd }));
