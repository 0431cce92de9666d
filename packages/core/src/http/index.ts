export { createHttpApp, type HttpAppOptions } from './app.ts';
export { type LandingPage, landingHtml } from './landing.ts';
