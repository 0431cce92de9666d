import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { defaultBuilds, engineCommand, type Flavour, type ServerBuild } from './builds.ts';
import { freePort, waitFor } from './wait.ts';

export type { Flavour, ServerBuild } from './builds.ts';

export interface ServerHandle {
  readonly build: ServerBuild;
  readonly flavour: Flavour;
  readonly host: string;
  readonly port: number;
  readonly url: string;
  /** A client authenticated as the default user (admin of the test). */
  admin(): Redis;
  /** A client authenticated as any user; the caller closes it. */
  connect(options?: { username?: string; password?: string }): Redis;
  /** Kill the server (SIGKILL, like a crash); its data directory stays for restart(). */
  stop(): Promise<void>;
  /** Start again on the same port and data directory (after stop). */
  restart(): Promise<void>;
  /** Stop and remove everything. */
  dispose(): Promise<void>;
}

export interface ServerOptions {
  readonly args?: readonly string[];
  readonly port?: number;
  /** A configuration file, written into the server's directory (a Sentinel needs one it can rewrite). */
  readonly config?: string;
}

/** The server flags that load a certificate set (`server.crt`, `server.key`, `ca.crt`), for a TLS port. */
export function tlsCertificateArgs(file: (name: string) => string): string[] {
  return ['--tls-cert-file', file('server.crt'), '--tls-key-file', file('server.key'), '--tls-ca-cert-file', file('ca.crt')];
}

/** Servers still running; killed when the test process exits, even after a failed setup. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** Resolves once the port answers RESP (a NOAUTH reply counts: the server is up); `check` may throw to stop early. */
export function waitForServer(what: string, port: number, check: () => void = () => {}): Promise<boolean> {
  return waitFor(what, async () => {
    check();
    const probe = new Redis({
      host: '127.0.0.1',
      port,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      enableOfflineQueue: false,
      enableReadyCheck: false,
      protocol: 2,
      disableClientInfo: true,
    });
    probe.on('error', () => {});
    try {
      await probe.connect();
      await probe.ping().catch((error: Error) => {
        if (!/NOAUTH/.test(error.message)) throw error;
      });
      return true;
    } finally {
      probe.disconnect();
    }
  });
}

/** How a provider stops, restarts and removes one server; the handle adds clients and their cleanup. */
export interface ServerLifecycle {
  stop(): Promise<void>;
  restart(): Promise<void>;
  dispose(): Promise<void>;
}

export function serverHandle(build: ServerBuild, port: number, lifecycle: ServerLifecycle): ServerHandle {
  const clients: Redis[] = [];
  const handle: ServerHandle = {
    build,
    flavour: build.flavour,
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
      await lifecycle.stop();
    },
    restart: () => lifecycle.restart(),
    async dispose() {
      await handle.stop();
      await lifecycle.dispose();
    },
  };
  return handle;
}

/** A real server from the local binaries, on a free loopback port, in its own temporary directory. */
async function startLocalServer(build: ServerBuild, options: ServerOptions = {}): Promise<ServerHandle> {
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), `keepwatch-${build.id}-`));
  let child: ChildProcess | undefined;

  const configFile = join(dir, 'server.conf');
  if (options.config !== undefined) writeFileSync(configFile, options.config);
  const launch = async () => {
    const args = [
      ...(options.config === undefined ? [] : [configFile]),
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'no',
      '--daemonize',
      'no',
      ...(options.args ?? []),
    ];
    const command = engineCommand(build, 'server', args);
    const proc = spawn(command.file, command.args, { stdio: ['ignore', 'ignore', 'pipe'] });
    child = proc;
    live.add(proc);
    proc.once('exit', () => live.delete(proc));
    let stderr = '';
    proc.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    try {
      await waitForServer(`${build.id} on port ${port}`, port, () => {
        if (proc.exitCode !== null) throw new Error(`${build.id} exited with ${proc.exitCode}: ${stderr.slice(0, 500)}`);
      });
    } catch (error) {
      proc.kill('SIGKILL');
      throw error;
    }
  };

  const handle = serverHandle(build, port, {
    async stop() {
      const proc = child;
      child = undefined;
      if (proc === undefined || proc.exitCode !== null) return;
      const exited = new Promise((resolve) => proc.once('exit', resolve));
      proc.kill('SIGKILL');
      await exited;
    },
    restart: launch,
    async dispose() {
      rmSync(dir, { recursive: true, force: true });
    },
  });
  await launch();
  return handle;
}

/**
 * The servers for a test: local binaries by default (CI's path), or Docker images through testcontainers
 * when KEEPWATCH_TEST_SERVERS=testcontainers (a developer laptop with a Docker engine).
 */
export async function startServer(server: Flavour | ServerBuild, options: ServerOptions = {}): Promise<ServerHandle> {
  const build = typeof server === 'string' ? defaultBuilds[server] : server;
  const provider = process.env.KEEPWATCH_TEST_SERVERS ?? 'local';
  if (provider === 'local') return startLocalServer(build, options);
  if (provider === 'testcontainers') {
    const { startContainerServer } = await import('./containers.ts');
    return startContainerServer(build, options);
  }
  throw new Error(`KEEPWATCH_TEST_SERVERS=${provider}: expected local or testcontainers`);
}
