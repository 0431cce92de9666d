import { detached } from '@keepwatch/core/metrics';
import type { InfoDocument } from '../info/index.ts';

/** RESP2 flat [k1, v1, k2, v2, ...] arrays (CONFIG GET, ACL GETUSER, ACL LOG entries, LATENCY HISTOGRAM) as a map. */
export function flatPairs(reply: unknown): Map<string, unknown> {
  const list = reply as unknown[];
  const map = new Map<string, unknown>();
  for (let i = 0; i + 1 < list.length; i += 2) map.set(String(list[i]), list[i + 1]);
  return map;
}

/**
 * A restart empties the server's logs and restarts their ids: seen as a new run_id (Valkey, Redis) or uptime
 * going backwards (Dragonfly has no run_id). One watch per collector that keeps state across scrapes.
 */
export function restartWatch(): (info: InfoDocument) => boolean {
  let runId: string | undefined;
  let uptime = -1;
  return (info) => {
    const currentRunId = info.get('run_id');
    const currentUptime = info.number('uptime_in_seconds') ?? -1;
    const restarted = (runId !== undefined && currentRunId !== runId) || currentUptime < uptime;
    // Copied only when it changed: the copy keeps the reply's text from being retained.
    if (currentRunId !== runId) runId = currentRunId === undefined ? undefined : detached(currentRunId);
    uptime = currentUptime;
    return restarted;
  };
}
