export type { Collector, ScrapeTarget } from './collector.ts';
export { minimumBudgetSeconds, raceSignal, type ScrapeTimeoutLimits, scrapeBudgetMs } from './deadline.ts';
export { connectionMetrics, engineMetrics, type ScrapeOptions, scrape } from './engine.ts';
export { selectCollectors } from './select.ts';
export { singleFlight } from './single-flight.ts';
