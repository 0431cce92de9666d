/**
 * kube-prometheus-stack's Prometheus takes only the PodMonitors, ServiceMonitors, ScrapeConfigs and
 * PrometheusRules labelled `release: <its Helm release>` (its `*SelectorNilUsesHelmValues: true` defaults);
 * `kube-prometheus-stack` is the release name of the chart's README. Change it to yours, or set those to false.
 */
export const selectedByKubePrometheusStack = { 'app.kubernetes.io/part-of': 'keepwatch', release: 'kube-prometheus-stack' } as const;

/** The chart's Grafana sidecar loads every ConfigMap labelled so (grafana's `sidecar.dashboards.label` and `labelValue`). */
export const grafanaDashboardLabel = { grafana_dashboard: '1' } as const;
