import { type ChildProcess, spawn } from 'node:child_process';
import { freePort, waitFor } from '@keepwatch/testing';
import { redisExporterBinary } from '@keepwatch/testing/builds';

/** `# TYPE` of every family in an exposition, by name. */
export function familyTypes(exposition: string): Map<string, string> {
  return new Map([...exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map(([, name = '', type = '']) => [name, type]));
}

/**
 * The incumbent, Debian's redis_exporter 1.69, scraping a server as the default user: it needs more than
 * keepwatch's least-privilege user grants (CONFIG GET *, CLIENT LIST, EVAL for key groups), and every family
 * it can export is what the comparison is about.
 */
export async function startRedisExporter(url: string, args: readonly string[] = []): Promise<{ scrape(): Promise<string>; close(): void }> {
  const port = await freePort();
  const child: ChildProcess = spawn(redisExporterBinary(), ['--redis.addr', url, '--web.listen-address', `127.0.0.1:${port}`, ...args], {
    stdio: 'ignore',
  });
  const scrape = async () => (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  await waitFor('redis_exporter listening', () =>
    scrape().then(
      () => true,
      () => undefined,
    ),
  );
  return { scrape, close: () => child.kill('SIGKILL') };
}
