import { renderRespReadme } from '@keepwatch/resp';
import { valkeyAclRules } from './acl.ts';
import { infoCatalogue } from './catalogue/info-fields.ts';
import { clusterCatalogue } from './collectors/cluster.ts';
import { valkeyExporter } from './definition.ts';

export function renderReadme(current: string): string {
  return renderRespReadme(current, {
    definition: valkeyExporter,
    catalogues: { info: ['INFO', infoCatalogue], cluster: ['CLUSTER INFO', clusterCatalogue] },
    aclRules: [
      { servers: 'Valkey 8.1 and later', rules: valkeyAclRules() },
      // Redis (every version) sends what Valkey 8.0 does: COMMANDLOG is Valkey's alone.
      { servers: 'Valkey 7.2 to 8.0, and Redis', rules: valkeyAclRules({ flavour: 'valkey', version: '8.0' }) },
    ],
  });
}
