import type { Topology } from '@keepwatch/testing/valkey-topology';

/** Traffic that makes the situational families appear: keys with and without TTL, a slow log entry, an error reply. */
export async function exerciseServer(topology: Topology): Promise<void> {
  const admin = topology.primary.admin();
  for (let i = 0; i < 10; i += 1) await admin.set(`app:${i}`, 'x');
  await admin.set('app:ttl', 'x', 'EX', 600);
  await admin.get('app:1');
  await admin.get('app:missing');
  await admin.config('SET', 'slowlog-log-slower-than', '0');
  await admin.ping();
  await admin.config('SET', 'slowlog-log-slower-than', '10000');
  await admin.call('NOSUCHCOMMAND').catch(() => undefined);
}
