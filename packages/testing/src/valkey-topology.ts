import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Flavour, type ServerBuild, type ServerHandle, startServer } from './servers.ts';
import { waitFor } from './wait.ts';

/** A password that must never show up in logs, metrics or HTTP responses. */
export const canaryPassword = 'canary-Zq8!pW3#exporter-secret';
export const maxmemoryBytes = 64 * 1024 * 1024;

export interface Topology {
  readonly primary: ServerHandle;
  readonly replica: ServerHandle;
  /** The `exporter` user's ACL rules on these servers (to set again after a restart). */
  readonly exporterAclRules: readonly string[];
  /** File holding the exporter user's password. */
  readonly passwordFile: string;
  /** Exporter flags for the primary under the least-privilege user. */
  readonly exporterArgs: (server?: ServerHandle) => string[];
  dispose(): Promise<void>;
}

export function writeSecret(content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'keepwatch-secret-')), 'password');
  writeFileSync(path, `${content}\n`, { mode: 0o600 });
  return path;
}

/** Primary (maxmemory set) + replica, an `exporter` ACL user with the (least-privilege) rules for their build and an `alice` app user. */
export async function startTopology(server: Flavour | ServerBuild, aclRulesFor: (build: ServerBuild) => readonly string[]): Promise<Topology> {
  const primary = await startServer(server, { args: ['--maxmemory', String(maxmemoryBytes), '--latency-monitor-threshold', '1'] });
  const replica = await startServer(server, { args: ['--replicaof', '127.0.0.1', String(primary.port)] });
  const exporterAclRules = aclRulesFor(primary.build);
  // ACL users are not replicated: each server gets its own.
  for (const server of [primary, replica]) {
    const admin = server.admin();
    await admin.call('ACL', 'SETUSER', 'exporter', ...exporterAclRules, `>${canaryPassword}`);
    await admin.call('ACL', 'SETUSER', 'alice', 'on', '>alice-password', '~app:*', '-@all', '+get', '+set', '+ping');
  }
  await waitFor('replica link up', async () => ((await replica.admin().info('replication')).includes('master_link_status:up') ? true : undefined));
  const passwordFile = writeSecret(canaryPassword);
  return {
    primary,
    replica,
    exporterAclRules,
    passwordFile,
    exporterArgs: (server = primary) => ['--valkey.addr', server.url, '--valkey.user', 'exporter', '--valkey.password-file', passwordFile],
    async dispose() {
      await replica.dispose();
      await primary.dispose();
    },
  };
}
