import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from './wait.ts';

export interface PrometheusHandle {
  readonly url: string;
  /** Instant query; the value of the single result, or undefined while there is none. */
  value(query: string): Promise<number | undefined>;
  /** The `data` of a Prometheus HTTP API GET, e.g. `rules` or `query?query=up`. */
  api<T>(path: string): Promise<T>;
  stop(): Promise<void>;
}

/**
 * A real Prometheus (Debian's binary) scraping the given targets every second, on a free loopback port,
 * evaluating `ruleFiles` (absolute paths) every second. `moreScrapeConfigs` is appended verbatim (YAML list
 * items indented by two spaces), for jobs that need more than static targets.
 */
export async function startPrometheus(
  jobs: Record<string, string[]>,
  ruleFiles: readonly string[] = [],
  moreScrapeConfigs = '',
  /** Labels on every static target, e.g. the `cluster` and `namespace` a Kubernetes Prometheus adds. */
  labels: Readonly<Record<string, string>> = {},
): Promise<PrometheusHandle> {
  const dir = mkdtempSync(join(tmpdir(), 'keepwatch-prometheus-'));
  const port = await freePort();
  const scrapeConfigs = Object.entries(jobs)
    .map(
      ([job, targets]) =>
        `  - job_name: ${job}\n    static_configs:\n      - targets: [${targets.map((target) => `'${target}'`).join(', ')}]\n        labels: ${JSON.stringify(labels)}`,
    )
    .join('\n');
  writeFileSync(
    join(dir, 'prometheus.yml'),
    `global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\nrule_files: ${JSON.stringify(ruleFiles)}\nscrape_configs:\n${scrapeConfigs}\n${moreScrapeConfigs}`,
  );
  const child: ChildProcess = spawn(
    'prometheus',
    [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`],
    { stdio: 'ignore' },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitFor('prometheus ready', async () => ((await fetch(`${url}/-/ready`)).ok ? true : undefined), 400);
  const api = async <T>(path: string): Promise<T> => {
    const body = (await (await fetch(`${url}/api/v1/${path}`)).json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`${path}: ${body.error ?? body.status}`);
    return body.data;
  };
  return {
    url,
    api,
    async value(query) {
      const [first] = (await api<{ result: { value: [number, string] }[] }>(`query?query=${encodeURIComponent(query)}`)).result;
      return first === undefined ? undefined : Number(first.value[1]);
    },
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A scrape job (for `moreScrapeConfigs`) in the multi-target pattern: each target becomes `?target=` of the
 * exporter's /scrape and the `instance` label. Targets are static, or from http_sd at `targets.httpSd`;
 * `relabel` adds `[source meta label, target label]` pairs.
 */
export function multiTargetJob(
  job: string,
  exporterUrl: string,
  targets: { readonly static: readonly string[] } | { readonly httpSd: string },
  relabel: readonly [string, string][] = [],
): string {
  const discovery =
    'static' in targets
      ? ['    static_configs:', `      - targets: [${targets.static.map((target) => `'${target}'`).join(', ')}]`]
      : ['    http_sd_configs:', `      - url: ${exporterUrl}${targets.httpSd}`, '        refresh_interval: 1s'];
  return [
    `  - job_name: ${job}`,
    '    metrics_path: /scrape',
    ...discovery,
    '    relabel_configs:',
    '      - source_labels: [__address__]',
    '        target_label: __param_target',
    '      - source_labels: [__param_target]',
    '        target_label: instance',
    ...relabel.flatMap(([source, target]) => [`      - source_labels: [${source}]`, `        target_label: ${target}`]),
    '      - target_label: __address__',
    `        replacement: ${new URL(exporterUrl).host}`,
    '',
  ].join('\n');
}

/** `promtool check metrics` on an exposition: its exit status and everything it printed (empty when clean). */
export function promtoolCheckMetrics(text: string): { status: number | null; output: string } {
  const result = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return { status: result.status, output: result.stdout + result.stderr };
}
