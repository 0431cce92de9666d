import type { Plugin } from 'esbuild';

/**
 * What Fastify requires only for features the exporters never use, each where it is used (fastify@5.12:
 * lib/schema-controller.js for the schema compilers, which the HTTP app replaces with its own factories;
 * lib/logger-pino.js when a logger is configured, and the app passes `logger: false`; fastify.js `inject`
 * for light-my-request, which the tests call on the sources, not the bundle). Bundled, their ~430 KB of
 * source stayed in the V8 heap for nothing; left out, a path that does require one fails saying so.
 */
const leftOut = ['@fastify/ajv-compiler', '@fastify/fast-json-stringify-compiler', 'light-my-request', 'pino'];

export const leftOutPlugin: Plugin = {
  name: 'left-out',
  setup(build) {
    build.onResolve({ filter: new RegExp(`^(${leftOut.map((name) => name.replace(/[/.]/g, '\\$&')).join('|')})$`) }, (args) => ({
      path: args.path,
      namespace: 'left-out',
    }));
    build.onLoad({ filter: /.*/, namespace: 'left-out' }, (args) => ({
      contents: `throw new Error(${JSON.stringify(`${args.path} is left out of this bundle (scripts/bundle/left-out.ts)`)});`,
      loader: 'js',
    }));
  },
};
