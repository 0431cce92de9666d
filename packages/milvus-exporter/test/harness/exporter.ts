import { startDefinitionExporter, type TestExporter } from '@keepwatch/testing';
import { milvusExporter } from '../../src/definition.ts';

export type { Metrics, TestExporter } from '@keepwatch/testing';

/** The milvus-exporter in-process on a free loopback port, pointed at `address`. */
export function startTestExporter(address: string, args: readonly string[] = [], env: Record<string, string> = {}): Promise<TestExporter> {
  return startDefinitionExporter(milvusExporter, ['--milvus.address', address, ...args], env);
}
