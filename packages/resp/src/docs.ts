import { allFlags, buildInfo } from '@keepwatch/core/bootstrap';
import {
  catalogueTable,
  collectorTable,
  errorTable,
  exporterHealthSection,
  flagTable,
  logRuleTable,
  metricTable,
  replaceGeneratedBlock,
} from '@keepwatch/core/docs';
import { logMetrics } from '@keepwatch/core/logs';
import type { Catalogue } from '@keepwatch/core/redis-info';
import { connectionMetrics, engineMetrics } from '@keepwatch/core/scrape';
import { refusedRequests } from '@keepwatch/core/targets';
import type { RespCaps } from './capabilities.ts';
import type { RespExporterDefinition } from './definition.ts';

export interface RespReadmeParts<C extends RespCaps> {
  readonly definition: RespExporterDefinition<C>;
  /** Field catalogues shown under a collector, by collector name: [where the fields come from, catalogue]. */
  readonly catalogues: Readonly<Record<string, readonly [string, Catalogue]>>;
  readonly aclRules: readonly string[];
}

/** An ACL SETUSER argument as typed in valkey-cli or redis-cli: quoted when it holds a space (Dragonfly's `+acl log`). */
const cliArgument = (rule: string) => (rule.includes(' ') ? JSON.stringify(rule) : rule);

/** The generated blocks of a Redis-protocol exporter's README, by name. */
function generatedBlocks<C extends RespCaps>({ definition, catalogues, aclRules }: RespReadmeParts<C>): Record<string, string> {
  const namespace = definition.engine;
  const collectors = definition.collectors;
  const perCollector = collectors
    .map((collector) => {
      const parts = [`### \`${collector.name}\``, collector.help];
      if (collector.metrics.length > 0) parts.push(metricTable(namespace, collector.metrics));
      const catalogue = catalogues[collector.name];
      if (catalogue !== undefined) parts.push(`Catalogue of ${catalogue[0]} fields:`, catalogueTable(namespace, catalogue[0], catalogue[1]));
      return parts.join('\n\n');
    })
    .join('\n\n');
  const exporterHealth = exporterHealthSection(namespace, [...Object.values(engineMetrics), ...Object.values(connectionMetrics), buildInfo, refusedRequests]);
  const blocks: Record<string, string> = {
    flags: flagTable(namespace, allFlags(definition)),
    collectors: collectorTable(collectors),
    metrics: `${exporterHealth}\n\n${perCollector}`,
    acl: `\`\`\`\nACL SETUSER keepwatch ${aclRules.map(cliArgument).join(' ')} >CHANGE-ME\n\`\`\``,
    errors: errorTable(),
  };
  if (definition.logs !== undefined) {
    blocks.logs = `${metricTable(namespace, logMetrics)}\n\nEvents (the first rule that matches a line names its event):\n\n${logRuleTable(definition.logs.rules)}`;
  }
  return blocks;
}

export function renderRespReadme<C extends RespCaps>(current: string, parts: RespReadmeParts<C>): string {
  let text = current;
  for (const [name, content] of Object.entries(generatedBlocks(parts))) text = replaceGeneratedBlock(text, name, content);
  return text;
}
