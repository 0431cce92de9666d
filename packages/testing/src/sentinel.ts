import { flatPairs } from '@keepwatch/resp/collectors';
import type { ServerHandle } from './servers.ts';
import { startServer } from './servers.ts';
import { waitFor } from './wait.ts';

export const masterName = 'mymaster';

/**
 * Real Sentinels (`<engine>-server <config> --sentinel`) monitoring `primary` with quorum 2, a one-second
 * down-after and a five-second failover timeout, started once each knows the others and the replicas.
 */
export async function startSentinels(primary: ServerHandle, options: { count: number; replicas: number }): Promise<ServerHandle[]> {
  const config = [
    `sentinel monitor ${masterName} 127.0.0.1 ${primary.port} 2`,
    `sentinel down-after-milliseconds ${masterName} 1000`,
    `sentinel failover-timeout ${masterName} 5000`,
    '',
  ].join('\n');
  const sentinels: ServerHandle[] = [];
  try {
    for (let i = 0; i < options.count; i += 1) sentinels.push(await startServer(primary.build, { config, args: ['--sentinel'] }));
    for (const sentinel of sentinels) {
      // Sentinels find each other by hello messages every 2 s (valkey src/sentinel.c SENTINEL_PING_PERIOD and hello period).
      await waitFor(
        'sentinels and replicas discovered',
        async () => {
          const master = await masterFields(sentinel);
          return Number(master.get('num-other-sentinels')) === options.count - 1 && Number(master.get('num-slaves')) === options.replicas ? true : undefined;
        },
        400,
      );
    }
    return sentinels;
  } catch (error) {
    for (const sentinel of sentinels) await sentinel.dispose();
    throw error;
  }
}

/** The monitored master as one Sentinel sees it (SENTINEL MASTER <name>, a flat field list). */
export async function masterFields(sentinel: ServerHandle): Promise<Map<string, unknown>> {
  return flatPairs(await sentinel.admin().call('SENTINEL', 'MASTER', masterName));
}
