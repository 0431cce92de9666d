import { renderRespReadme } from '@keepwatch/resp';
import { valkeyAclRules } from './acl.ts';
import { infoCatalogue } from './catalogue/info-fields.ts';
import { clusterCatalogue } from './collectors/cluster.ts';
import { valkeyExporter } from './definition.ts';

export function renderReadme(current: string): string {
  return renderRespReadme(current, {
    definition: valkeyExporter,
    catalogues: { info: ['INFO', infoCatalogue], cluster: ['CLUSTER INFO', clusterCatalogue] },
    aclRules: valkeyAclRules(),
  });
}
