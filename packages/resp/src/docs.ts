import { allFlags } from '@keepwatch/core/bootstrap';
import {
  code,
  collectorTable,
  errorTable,
  exporterHealthSection,
  flagTable,
  logRuleTable,
  metricTable,
  replaceGeneratedBlock,
  table,
} from '@keepwatch/core/docs';
import { logMetrics } from '@keepwatch/core/logs';
import { multiTargetMetrics } from '@keepwatch/core/targets';
import type { RespCaps } from './capabilities.ts';
import type { RespExporterDefinition } from './definition.ts';
import type { Catalogue } from './info/index.ts';

export interface RespReadmeParts<C extends RespCaps> {
  readonly definition: RespExporterDefinition<C>;
  /** Field catalogues shown under a collector, by collector name: [where the fields come from, catalogue]. */
  readonly catalogues: Readonly<Record<string, readonly [string, Catalogue]>>;
  /** The least-privilege rules by the servers they are for, newest first (one entry when every version takes the same). */
  readonly aclRules: readonly { readonly servers: string; readonly rules: readonly string[] }[];
}

function catalogueTable(namespace: string, source: string, catalogue: Catalogue): string {
  const conversion = (spec: Catalogue['fields'][number]) => {
    if (spec.parse === 'percent') return 'percent to ratio';
    if (spec.parse === 'status') return 'ok=1, else 0';
    if (spec.parse === 'secondsMicros') return 's.µs to s';
    if (spec.scale === 1e-6) return 'µs to s';
    if (spec.scale === 1e-3) return 'ms to s';
    if (spec.scale === 1024) return 'KiB/s to B/s';
    return '';
  };
  const fields = table(
    [`${source} field`, 'Metric', 'Type', 'Conversion', 'Description'],
    catalogue.fields.map((spec) => [code(spec.field), code(`${namespace}_${spec.metric}`), spec.type, conversion(spec), spec.help]),
  );
  if (catalogue.ignored.length === 0) return fields;
  const ignored = table(
    [`${source} field`, 'Not exported because'],
    catalogue.ignored.map((entry) => [code(entry.field), entry.reason]),
  );
  return `${fields}\n\nNumeric fields deliberately not exported on their own:\n\n${ignored}`;
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
      if (catalogue !== undefined)
        parts.push(
          `Catalogue of ${catalogue[0]} fields (a metric's HELP is its description; its ${catalogue[0]} field is named only here):`,
          catalogueTable(namespace, catalogue[0], catalogue[1]),
        );
      return parts.join('\n\n');
    })
    .join('\n\n');
  const exporterHealth = exporterHealthSection(namespace, multiTargetMetrics);
  const blocks: Record<string, string> = {
    flags: flagTable(namespace, allFlags(definition)),
    collectors: collectorTable(collectors),
    metrics: `${exporterHealth}\n\n${perCollector}`,
    acl: aclRules
      .map(
        ({ servers, rules }) =>
          `${aclRules.length > 1 ? `${servers}:\n\n` : ''}\`\`\`\nACL SETUSER keepwatch ${rules.map(cliArgument).join(' ')} >CHANGE-ME\n\`\`\``,
      )
      .join('\n\n'),
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
