import type { Plugin } from 'esbuild';

/**
 * Node built-ins the exporter needs only for TLS (rediss://, an HTTPS web config) or for basic auth, but
 * which its dependencies require at start-up: Fastify requires `https` and `http2`, ioredis `tls` and
 * `crypto`. Loading them initialises OpenSSL, about 6 MB of RSS (measured with bench/) that a plain-TCP
 * sidecar never uses. In the bundle each one becomes a stand-in that loads the real module on first use.
 */
const lazyBuiltins = ['crypto', 'http2', 'https', 'tls'];

const load = (name: string) => `let real; const load = () => (real ??= process.getBuiltinModule('node:${name}'));`;
// CommonJS `require()` sees a proxy; the descriptor trap reports every property as configurable, as a proxy
// over an empty target must.
const commonJsStandIn = (name: string) => `${load(name)}
module.exports = new Proxy({}, {
  get: (_, key) => load()[key],
  has: (_, key) => key in load(),
  ownKeys: () => Reflect.ownKeys(load()),
  getOwnPropertyDescriptor: (_, key) => {
    const descriptor = Reflect.getOwnPropertyDescriptor(load(), key);
    return descriptor === undefined ? undefined : { ...descriptor, configurable: true };
  },
});`;
// ESM importers get only the default export: a named import would be bound at start-up, so esbuild must
// reject it (the bundle fails on warnings) rather than quietly load the module early.
const esmStandIn = (name: string) => `${load(name)}
export default new Proxy({}, { get: (_, key) => load()[key], has: (_, key) => key in load() });`;

export const lazyBuiltinsPlugin: Plugin = {
  name: 'lazy-builtins',
  setup(build) {
    build.onResolve({ filter: new RegExp(`^(node:)?(${lazyBuiltins.join('|')})$`) }, (args) => ({
      path: args.path.replace(/^node:/, ''),
      namespace: args.kind === 'require-call' ? 'lazy-builtin-cjs' : 'lazy-builtin-esm',
    }));
    build.onLoad({ filter: /.*/, namespace: 'lazy-builtin-cjs' }, (args) => ({ contents: commonJsStandIn(args.path), loader: 'js' }));
    build.onLoad({ filter: /.*/, namespace: 'lazy-builtin-esm' }, (args) => ({ contents: esmStandIn(args.path), loader: 'js' }));
  },
};
