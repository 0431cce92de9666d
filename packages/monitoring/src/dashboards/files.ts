import { generatedYaml } from '../generated.ts';
import { dashboards } from './index.ts';
import { renderDashboard } from './model.ts';

/** Every generated file under grafana/, by path relative to it. */
export function renderGrafanaFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const [name, spec] of Object.entries(dashboards)) files.set(`dashboards/${name}.json`, `${JSON.stringify(renderDashboard(spec), null, 2)}\n`);
  files.set(
    'provisioning/dashboards/keepwatch.yaml',
    generatedYaml({
      apiVersion: 1,
      providers: [
        {
          name: 'keepwatch',
          orgId: 1,
          folder: 'keepwatch',
          type: 'file',
          disableDeletion: false,
          updateIntervalSeconds: 60,
          allowUiUpdates: false,
          options: { path: '/var/lib/grafana/dashboards/keepwatch' },
        },
      ],
    }),
  );
  files.set(
    'provisioning/datasources/prometheus.yaml',
    generatedYaml({
      apiVersion: 1,
      datasources: [
        // The dashboards pick their data source through the `datasource` variable; this one is only a default.
        {
          name: 'Prometheus',
          type: 'prometheus',
          uid: 'prometheus',
          access: 'proxy',
          url: 'http://prometheus:9090',
          isDefault: true,
          jsonData: { timeInterval: '15s' },
        },
      ],
    }),
  );
  return files;
}
