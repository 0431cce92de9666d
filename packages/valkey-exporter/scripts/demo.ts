import { startExporter } from '@keepwatch/core/bootstrap';
import { freePort, waitFor } from '@keepwatch/testing';
import { startServer } from '@keepwatch/testing/servers';
import { writeSecret } from '@keepwatch/testing/valkey-topology';
import { valkeyAclRules } from '../src/acl.ts';
import { defaultPort, valkeyExporter } from '../src/definition.ts';

/**
 * The demo: a local Valkey primary and replica on free loopback ports, the least-privilege exporter user,
 * and the exporter on :9866 (or a free port), until Ctrl+C.
 */
const primary = await startServer('valkey', { args: ['--maxmemory', '128mb', '--latency-monitor-threshold', '1'] });
const replica = await startServer('valkey', { args: ['--replicaof', '127.0.0.1', String(primary.port)] });
const password = `demo-${Math.random().toString(36).slice(2)}`;
for (const server of [primary, replica]) {
  await server.admin().call('ACL', 'SETUSER', 'keepwatch', ...valkeyAclRules(server.build), `>${password}`);
}
await waitFor('replica in sync', async () => ((await replica.admin().info('replication')).includes('master_link_status:up') ? true : undefined));
await primary.admin().mset('demo:a', '1', 'demo:b', '2', 'demo:c', '3');

const port = await freePort().then(async (fallback) => {
  const probe = await fetch(`http://127.0.0.1:${defaultPort}/`).then(
    () => true,
    () => false,
  );
  return probe ? fallback : defaultPort;
});
const passwordFile = writeSecret(password);
const running = await startExporter(valkeyExporter, {
  argv: ['--valkey.addr', primary.url, '--valkey.user', 'keepwatch', '--valkey.password-file', passwordFile, '--web.listen-address', `127.0.0.1:${port}`],
  env: {},
});

process.stdout.write(`
keepwatch demo is running.

  Valkey primary   ${primary.url}   (replica on ${replica.url})
  Exporter         http://127.0.0.1:${port}/metrics   (landing page http://127.0.0.1:${port}/)

Try:
  curl -s http://127.0.0.1:${port}/metrics | grep -E '^valkey_(up|db_keys|connected_slave_lag_bytes|auth_failures_total)'
  valkey-cli -p ${primary.port} AUTH keepwatch wrong-password      # then look at valkey_auth_failures_total
  valkey-cli -p ${primary.port} FLUSHDB                            # then look at valkey_dangerous_commands_total

Against your own server instead:
  pnpm valkey-exporter --valkey.addr redis://HOST:6379 --valkey.user USER --valkey.password-file FILE

Ctrl+C stops everything.
`);

const stop = async () => {
  await running?.close();
  await replica.dispose();
  await primary.dispose();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
