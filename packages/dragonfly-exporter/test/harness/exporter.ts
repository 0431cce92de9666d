import { startDefinitionExporter, type TestExporter } from '@keepwatch/testing';
import { dragonflyExporter } from '../../src/definition.ts';

export { type Metrics, parseMetrics, type TestExporter } from '@keepwatch/testing';

/** The real dragonfly-exporter, in-process, on a free loopback port; its log lines are kept for assertions. */
export function startTestExporter(args: readonly string[], env: Record<string, string> = {}): Promise<TestExporter> {
  return startDefinitionExporter(dragonflyExporter, args, env);
}
