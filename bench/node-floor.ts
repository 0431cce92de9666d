import { floorBody } from './floor-body.ts';

/**
 * The least a Node exporter does per scrape: node:http answers a fixed exposition, written line by line into
 * a reused buffer and gzipped as valkey-exporter does, on every request. bench/ runs it bundled, with the image's node flags,
 * beside the two exporters, so the figures show how much of their latency and memory is Node's own.
 * Usage: node node-floor.mjs <exposition file> <port>
 *
 * node:http comes from getBuiltinModule, not an ESM import: building an ES module namespace of node:http reads
 * every export, and its lazy `WebSocket`, `CloseEvent` and `MessageEvent` getters (Node 24) load undici, and
 * with it crypto, tls and http2, about 9 MiB of RSS (77.8 against 68.5 MiB after 10,000 requests) that a
 * server which only answers HTTP never needs. The exporters get node:http through CommonJS require (Fastify)
 * and do not load them.
 */
const { createServer } = process.getBuiltinModule('node:http');
const [bodyFile, port] = process.argv.slice(2);
const body = floorBody(bodyFile as string);

createServer((request, response) => {
  const gzip = /\bgzip\b/.test(request.headers['accept-encoding'] ?? '');
  const answer = body(gzip);
  response.writeHead(200, {
    'content-type': 'text/plain; version=0.0.4; charset=utf-8',
    'content-length': answer.length,
    ...(gzip ? { 'content-encoding': 'gzip' } : {}),
  });
  response.end(answer);
}).listen(Number(port), '127.0.0.1');
