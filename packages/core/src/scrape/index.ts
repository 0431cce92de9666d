export type { Collector, ScrapeTarget } from './collector.ts';
export { raceSignal, scrapeBudgetMs } from './deadline.ts';
export { connectionMetrics, engineMetrics, type ScrapeOptions, scrape } from './engine.ts';
export { selectCollectors } from './select.ts';
export { singleFlight } from './single-flight.ts';
