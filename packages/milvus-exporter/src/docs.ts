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
import { milvusCollectors } from './collectors/index.ts';
import { milvusExporter } from './definition.ts';
import { defaultGrants, exporterRole, exporterUser } from './grant-job.ts';
import { differencesAt, grantsForProto, olderProtoDifferences } from './older-servers.ts';
import { readPrivileges } from './reads.ts';

/** The privileges each collector needs, and the pymilvus calls that grant exactly them to a role. */
function privilegeBlock(): string {
  const byPrivilege = new Map<string, { object: string; collectors: string[] }>();
  for (const collector of milvusCollectors) {
    for (const read of collector.reads) {
      for (const [privilege, object] of readPrivileges[read]) {
        const entry = byPrivilege.get(privilege) ?? { object, collectors: [] };
        if (!entry.collectors.includes(collector.name)) entry.collectors.push(collector.name);
        byPrivilege.set(privilege, entry);
      }
    }
  }
  const enabled = new Set(milvusCollectors.filter((collector) => collector.defaultEnabled).map((collector) => collector.name));
  const shown = (name: string) => (enabled.has(name) ? code(name) : `${code(name)} (off by default)`);
  const rows = [...byPrivilege].map(([privilege, entry]) => `| ${code(privilege)} | ${entry.object} | ${entry.collectors.map(shown).join(', ')} |`);
  const grant = (privilege: string) => `client.grant_privilege_v2("${exporterRole}", "${privilege}", collection_name="*", db_name="*")`;
  const onRequest = [...byPrivilege].filter(([, entry]) => !entry.collectors.some((name) => enabled.has(name)));
  return [
    '| Privilege | Object type | Needed by |',
    '| --- | --- | --- |',
    ...rows,
    '',
    'With pymilvus (2.5+), as a user allowed to manage roles:',
    '',
    '```python',
    `client.create_role("${exporterRole}")`,
    ...defaultGrants().map(grant),
    `client.create_user("${exporterUser}", "CHANGE-ME")`,
    `client.grant_role("${exporterUser}", "${exporterRole}")`,
    '```',
    ...(onRequest.length === 0
      ? []
      : [
          '',
          `Only for the collectors that are off by default, when turned on: ${onRequest.map(([privilege, entry]) => `${code(privilege)} (${entry.collectors.map(code).join(', ')})`).join(', ')}.`,
        ]),
  ].join('\n');
}

/** The default collectors' grants on servers of older milvus-proto tags, one row per range. */
function olderPrivilegesBlock(): string {
  const reads = milvusCollectors.filter((collector) => collector.defaultEnabled).flatMap((collector) => collector.reads);
  const starts = ['v2.4.0', ...olderProtoDifferences.map((difference) => difference.until)];
  const lastBefore = (tag: string) => tag.replace(/\d+$/, (patch) => String(Number(patch) - 1));
  const rows = starts.map((start, index) => {
    const next = starts[index + 1];
    const range = next === undefined ? `${start} and later` : lastBefore(next) === start ? start : `${start} to ${lastBefore(next)}`;
    const grants = grantsForProto(start, reads).map(([privilege, object]) => `${code(privilege)} (${object})`);
    const differences = differencesAt(start).map((difference) => difference.what);
    return [range, grants.join(', '), differences.length === 0 ? 'the table above' : differences.join('; ')];
  });
  return table(['milvus-proto of the server', 'Grant for the default collectors', 'Why it differs'], rows);
}

function generatedBlocks(): Record<string, string> {
  const namespace = milvusExporter.engine;
  const perCollector = milvusCollectors
    .map((collector) => `### \`${collector.name}\`\n\n${collector.help}\n\n${metricTable(namespace, collector.metrics)}`)
    .join('\n\n');
  const logs = milvusExporter.logs;
  if (logs === undefined) throw new Error('milvus-exporter defines its log handling');
  return {
    flags: flagTable(namespace, allFlags(milvusExporter)),
    collectors: collectorTable(milvusCollectors),
    metrics: `${exporterHealthSection(namespace)}\n\n${perCollector}`,
    privileges: privilegeBlock(),
    'older-privileges': olderPrivilegesBlock(),
    logs: `${metricTable(namespace, [...logMetrics, ...(logs.tally?.metrics ?? [])])}\n\nEvents (the first rule that matches a line names its event; access lines are matched in the normalised form \`access <method> status=… code=… client=… user=… msg=…\`):\n\n${logRuleTable(logs.rules)}`,
    errors: errorTable(),
  };
}

export function renderReadme(current: string): string {
  let text = current;
  for (const [name, content] of Object.entries(generatedBlocks())) text = replaceGeneratedBlock(text, name, content);
  return text;
}
