import { code, replaceGeneratedBlock, table } from '@keepwatch/core/docs';
import { renderRespReadme } from '@keepwatch/resp';
import { sentinelAclRules, valkeyAclRules, valkeyKeyCheckAclRules } from './acl.ts';
import { infoCatalogue } from './catalogue/info-fields.ts';
import { clusterCatalogue } from './collectors/cluster.ts';
import { valkeyExporter } from './definition.ts';
import { redisExporterFamilies } from './redis-exporter-families.ts';
import { type ParityAnswer, parityOf, redisExporterFlags } from './redis-exporter-parity.ts';

function answerCells(answer: ParityAnswer): [string, string] {
  if ('renamed' in answer) return [code(`redis_${answer.renamed}`), answer.why];
  if ('typed' in answer) return [`same name, ${answer.typed}`, answer.why];
  return ['left out', answer.leftOut];
}

/** redis_exporter's families beside valkey-exporter's under --namespace redis (checked by redis-exporter-parity.test.ts). */
function redisExporterComparison(): string {
  const families = [...redisExporterFamilies].sort(([a], [b]) => (a < b ? -1 : 1));
  const same = families.filter(([name]) => parityOf(name) === undefined);
  const differing = families.flatMap(([name, type]) => {
    const answer = parityOf(name);
    return answer === undefined ? [] : [[code(name), type, ...answerCells(answer)]];
  });
  return [
    `Same name and type (${same.length}): ${same.map(([name]) => code(name)).join(', ')}.`,
    `Different (${differing.length}):`,
    table(['redis_exporter family', 'Type there', 'valkey-exporter --namespace redis', 'Why'], differing),
  ].join('\n\n');
}

/** redis_exporter's flags and what this exporter offers for each (checked against its --help by the parity test). */
function redisExporterFlagTable(): string {
  const rows = Object.entries(redisExporterFlags).map(([flag, answer]) => {
    if ('flag' in answer) return [code(`-${flag}`), code(`--${answer.flag}`), answer.note ?? ''];
    return [code(`-${flag}`), 'left out', answer.leftOut];
  });
  return table(['redis_exporter flag', 'valkey-exporter', 'Note'], rows);
}

/** What each key-check collector adds to the ACL user (tested by key-checks.test.ts with %R~*). */
function keyCheckAclTable(): string {
  return table(
    ['Collector', 'Add to the rules above'],
    valkeyKeyCheckAclRules().map(({ collector, rules }) => [code(collector), `${rules.map(code).join(' ')} and ${code('%R~<pattern>')}`]),
  );
}

export function renderReadme(current: string): string {
  const rendered = renderRespReadme(current, {
    definition: valkeyExporter,
    catalogues: { info: ['INFO', infoCatalogue], cluster: ['CLUSTER INFO', clusterCatalogue] },
    aclRules: [
      { servers: 'Valkey 8.1 and later', rules: valkeyAclRules() },
      // Redis (every version) sends what Valkey 8.0 does: COMMANDLOG is Valkey's alone.
      { servers: 'Valkey 7.2 to 8.0, and Redis', rules: valkeyAclRules({ flavour: 'valkey', version: '8.0' }) },
    ],
  });
  const blocks: Record<string, string> = {
    'redis-exporter-metrics': redisExporterComparison(),
    'redis-exporter-flags': redisExporterFlagTable(),
    'key-check-acl': keyCheckAclTable(),
    'sentinel-acl': `\`\`\`\nACL SETUSER keepwatch ${sentinelAclRules().join(' ')} >CHANGE-ME\n\`\`\``,
  };
  return Object.entries(blocks).reduce((readme, [name, content]) => replaceGeneratedBlock(readme, name, content), rendered);
}
