export { expectDockerfileBuilds, expectProcessMetricsOf, isolatedCopy, type RunningBundle, scrapeWhenServing, startBundle } from './bundle.ts';
export { runCli } from './cli.ts';
export { allSucceeded, type Metrics, parseMetrics, type Sample, startDefinitionExporter, type TestExporter } from './exporter.ts';
export { readFixture } from './fixtures.ts';
export { expositionShape } from './golden.ts';
export { type HostileRespServer, resp, startHostileRespServer } from './hostile-resp.ts';
export { checkArbitraryReplies, checkMutatedInfo, checkMutatedInfoWithPromtool, type InfoRobustnessCase, mutatedInfo } from './info-robustness.ts';
export { multiTargetJob, type PrometheusHandle, promtoolCheckMetrics, startPrometheus } from './prometheus.ts';
export { freePort, waitFor } from './wait.ts';
