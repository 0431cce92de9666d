import { renderRespReadme } from '@keepwatch/resp';
import { dragonflyAclRules } from './acl.ts';
import { dragonflyCatalogue } from './catalogue/info-fields.ts';
import { dragonflyExporter } from './definition.ts';

export function renderReadme(current: string): string {
  return renderRespReadme(current, {
    definition: dragonflyExporter,
    catalogues: { info: ['INFO', dragonflyCatalogue] },
    aclRules: [{ servers: 'Dragonfly', rules: dragonflyAclRules() }],
  });
}
