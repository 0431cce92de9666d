import { GenericContainer, type StartedTestContainer } from 'testcontainers';
import { type Flavour, type ServerHandle, type ServerOptions, serverHandle, waitForServer } from './servers.ts';
import { freePort } from './wait.ts';

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
  let container: StartedTestContainer | undefined;
  const launch = async () => {
    container = await new GenericContainer(image)
      .withNetworkMode('host')
      .withCommand([binary, '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...(options.args ?? [])])
      .start();
    await waitForServer(`${flavour} container on port ${port}`, port);
  };
  const handle = serverHandle(flavour, port, {
    async stop() {
      await container?.stop({ remove: true, timeout: 0 });
      container = undefined;
    },
    restart: launch,
    // Nothing outside the container to remove.
    dispose: async () => {},
  });
  await launch();
  return handle;
}
