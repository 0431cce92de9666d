import { allFlags, buildInfo } from '@keepwatch/core/bootstrap';
import { catalogueTable, collectorTable, errorTable, flagTable, logRuleTable, metricTable, replaceGeneratedBlock } from '@keepwatch/core/docs';
import { logMetrics } from '@keepwatch/core/logs';
import { engineMetrics } from '@keepwatch/core/scrape';
import { exporterAclRules } from './acl.ts';
import { infoCatalogue } from './catalogue/info-fields.ts';
import { clusterCatalogue } from './collectors/cluster.ts';
import { valkeyExporter } from './definition.ts';
import { valkeyLogRules } from './logs/rules.ts';
import type { ValkeyCollector } from './snapshot.ts';
import { connectionMetrics } from './target.ts';

const namespace = valkeyExporter.engine;
const collectors = valkeyExporter.collectors as readonly ValkeyCollector[];

/** The generated blocks of the package README, by name. */
function generatedBlocks(): Record<string, string> {
  const perCollector = collectors
    .map((collector) => {
      const parts = [`### \`${collector.name}\``, collector.help];
      if (collector.metrics.length > 0) parts.push(metricTable(namespace, collector.metrics));
      if (collector.name === 'info') parts.push('Catalogue of INFO fields:', catalogueTable(namespace, 'INFO', infoCatalogue));
      if (collector.name === 'cluster') parts.push(catalogueTable(namespace, 'CLUSTER INFO', clusterCatalogue));
      return parts.join('\n\n');
    })
    .join('\n\n');
  const exporterHealth = metricTable(namespace, [...Object.values(engineMetrics), ...Object.values(connectionMetrics), buildInfo]);
  const acl = `\`\`\`\nACL SETUSER keepwatch ${exporterAclRules(collectors).join(' ')} >CHANGE-ME\n\`\`\``;
  return {
    flags: flagTable(namespace, allFlags(valkeyExporter)),
    collectors: collectorTable(collectors),
    metrics: `### Exporter health\n\n${exporterHealth}\n\n${perCollector}`,
    acl,
    logs: `${metricTable(namespace, logMetrics)}\n\nEvents (the first rule that matches a line names its event):\n\n${logRuleTable(valkeyLogRules)}`,
    errors: errorTable(),
  };
}

export function renderReadme(current: string): string {
  let text = current;
  for (const [name, content] of Object.entries(generatedBlocks())) text = replaceGeneratedBlock(text, name, content);
  return text;
}
