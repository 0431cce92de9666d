import { GenericContainer, type StartedTestContainer } from 'testcontainers';
import { type ServerBuild, type ServerHandle, type ServerOptions, serverHandle, waitForServer } from './servers.ts';
import { freePort } from './wait.ts';

/**
 * A server in a container on the host network, so it listens on 127.0.0.1:<port> exactly like a local
 * binary and replicas reach their primary at the same address the tests use.
 */
export async function startContainerServer(build: ServerBuild, options: ServerOptions = {}): Promise<ServerHandle> {
  const port = options.port ?? (await freePort());
  let container: StartedTestContainer | undefined;
  const launch = async () => {
    container = await new GenericContainer(build.image)
      .withNetworkMode('host')
      .withCommand([`${build.flavour}-server`, '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...(options.args ?? [])])
      .start();
    await waitForServer(`${build.id} container on port ${port}`, port);
  };
  const handle = serverHandle(build, port, {
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
