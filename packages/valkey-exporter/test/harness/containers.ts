import { Redis } from 'ioredis';
import { GenericContainer, type StartedTestContainer } from 'testcontainers';
import { type Flavour, freePort, type ServerHandle, type ServerOptions, waitFor } from './servers.ts';

/** The same versions as the Debian binaries CI uses. */
const images: Record<Flavour, { image: string; binary: string }> = {
  valkey: { image: 'valkey/valkey:8.0.1', binary: 'valkey-server' },
  redis: { image: 'redis:7.0.15', binary: 'redis-server' },
};

/**
 * A server in a container on the host network, so it listens on 127.0.0.1:<port> exactly like a local
 * binary and replicas reach their primary at the same address the tests use.
 */
export async function startContainerServer(flavour: Flavour, options: ServerOptions = {}): Promise<ServerHandle> {
  const port = options.port ?? (await freePort());
  const { image, binary } = images[flavour];
  const clients: Redis[] = [];
  let container: StartedTestContainer | undefined;
  const launch = async () => {
    container = await new GenericContainer(image)
      .withNetworkMode('host')
      .withCommand([binary, '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...(options.args ?? [])])
      .start();
    await waitFor(`${flavour} container on port ${port}`, async () => {
      const probe = new Redis({
        host: '127.0.0.1',
        port,
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
        protocol: 2,
        disableClientInfo: true,
      });
      probe.on('error', () => {});
      try {
        await probe.connect();
        return true;
      } finally {
        probe.disconnect();
      }
    });
  };
  const handle: ServerHandle = {
    flavour,
    host: '127.0.0.1',
    port,
    url: `redis://127.0.0.1:${port}`,
    admin: () => handle.connect(),
    connect(auth = {}) {
      const client = new Redis({ host: '127.0.0.1', port, protocol: 2, disableClientInfo: true, enableReadyCheck: false, maxRetriesPerRequest: 1, ...auth });
      client.on('error', () => {});
      clients.push(client);
      return client;
    },
    async stop() {
      for (const client of clients.splice(0)) client.disconnect();
      await container?.stop({ remove: true, timeout: 0 });
      container = undefined;
    },
    restart: launch,
    dispose: () => handle.stop(),
  };
  await launch();
  return handle;
}
