import Fastify from 'fastify';
import { Redis } from 'ioredis';
import { floorBody } from './floor-body.ts';

/**
 * node-floor.ts through the exporter's own stack: Fastify, configured as the exporter's app is (no logger, no
 * schema compilers, the answer written after hijack), and with a Valkey port, ioredis sending the eight
 * commands valkey-exporter sends per scrape, pipelined, and waiting for the replies before it answers the
 * fixed exposition. bench/stack-floors.ts runs it bundled beside the Node floor and the exporter, to show what
 * each layer costs, and stops if this copy of the commands no longer matches what the exporter sends (Valkey's
 * commandstats). Usage: node fastify-floor.mjs <exposition file> <port> [valkey port]
 */
const [bodyFile, port, valkeyPort] = process.argv.slice(2);
const body = floorBody(bodyFile as string);
const commands = [
  ['INFO', 'ALL'],
  ['LATENCY', 'HISTOGRAM'],
  ['ACL', 'LOG', '128'],
  ['SLOWLOG', 'LEN'],
  ['SLOWLOG', 'GET', '1'],
  ['LATENCY', 'LATEST'],
  ['CONFIG', 'GET', 'protected-mode', 'enable-debug-command', 'enable-module-command', 'io-threads', 'client-output-buffer-limit', 'save'],
  ['ACL', 'GETUSER', 'default'],
] as const;
const valkey =
  valkeyPort === undefined
    ? undefined
    : new Redis({ host: '127.0.0.1', port: Number(valkeyPort), protocol: 2, disableClientInfo: true, enableReadyCheck: false });

const refuseSchemas = () => {
  throw new Error('route schemas are not supported by this server');
};
const app = Fastify({ logger: false, schemaController: { compilersFactory: { buildValidator: refuseSchemas, buildSerializer: refuseSchemas } } });
app.get('/metrics', async (_request, reply) => {
  if (valkey !== undefined) {
    valkey.stream.cork();
    const replies = commands.map(([name, ...args]) => (name === 'INFO' ? valkey.callBuffer(name, ...args) : valkey.call(name, ...args)));
    valkey.stream.uncork();
    await Promise.all(replies);
  }
  // The bench's client always asks for gzip.
  const answer = body(true);
  reply.hijack();
  reply.raw.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'content-length': answer.length, 'content-encoding': 'gzip' });
  reply.raw.end(answer);
  return reply;
});
await app.listen({ port: Number(port), host: '127.0.0.1' });
