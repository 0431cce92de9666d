export { createHttpApp, type HttpAppOptions } from './app.ts';
export type { LandingPage } from './landing.ts';
