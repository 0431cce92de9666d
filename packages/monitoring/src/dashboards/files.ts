import { generatedYaml } from '../generated.ts';
import { grafanaDashboardLabel } from '../kubernetes.ts';
import { dashboards } from './index.ts';
import { renderDashboard } from './model.ts';

/** Every generated file under grafana/, by path relative to it. */
export function renderGrafanaFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const [name, spec] of Object.entries(dashboards)) {
    const json = `${JSON.stringify(renderDashboard(spec), null, 2)}\n`;
    files.set(`dashboards/${name}.json`, json);
    files.set(
      `kubernetes/${name}.configmap.yaml`,
      generatedYaml({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `keepwatch-dashboard-${name}`, labels: { 'app.kubernetes.io/part-of': 'keepwatch', ...grafanaDashboardLabel } },
        data: { [`keepwatch-${name}.json`]: json },
      }),
    );
  }
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
