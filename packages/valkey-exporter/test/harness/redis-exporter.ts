import { type ChildProcess, spawn } from 'node:child_process';
import { freePort, waitFor } from '@keepwatch/testing';
import { redisExporterBinary } from '@keepwatch/testing/builds';
import { redisExporterFamilies } from '../../src/redis-exporter-families.ts';
import { parityOf } from '../../src/redis-exporter-parity.ts';

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

/** redis_exporter's families (`name type`) missing from the captured list the README compares. */
export function uncaptured(incumbent: ReadonlyMap<string, string>): string[] {
  return [...incumbent]
    .filter(([name]) => !name.startsWith('go_'))
    .filter(([name, type]) => redisExporterFamilies.get(name) !== type)
    .map(([name, type]) => `${name} ${type}`);
}

/** Where keepwatch's families (under --namespace redis) are not what the comparison says for redis_exporter's. */
export function parityProblems(incumbent: ReadonlyMap<string, string>, keepwatch: ReadonlyMap<string, string>): string[] {
  const wrong: string[] = [];
  for (const [name, type] of incumbent) {
    const answer = parityOf(name);
    if (answer === undefined) {
      if (keepwatch.get(name) !== type) wrong.push(`${name}: same ${type} claimed, keepwatch has ${keepwatch.get(name) ?? 'nothing'}`);
    } else if ('renamed' in answer) {
      if (!keepwatch.has(`redis_${answer.renamed}`)) wrong.push(`${name}: renamed redis_${answer.renamed} claimed, keepwatch has no such family`);
    } else if ('typed' in answer) {
      if (keepwatch.get(name) !== answer.typed) wrong.push(`${name}: ${answer.typed} claimed, keepwatch has ${keepwatch.get(name) ?? 'nothing'}`);
    } else if (keepwatch.has(name)) {
      wrong.push(`${name}: absent claimed, keepwatch exports it`);
    }
  }
  return wrong;
}
