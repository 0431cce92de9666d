import type { AclRuleDialect } from '@keepwatch/resp';
import type { DragonflyCaps } from './capabilities.ts';
import { dragonflyExporter } from './definition.ts';

/**
 * Dragonfly has no `command|subcommand` rules: a rule names a registered command, and only ACL's
 * subcommands are registered on their own, as two-word commands (`ACL LOG`), so they are granted as `+acl log`.
 */
export const dragonflyAclDialect: AclRuleDialect<DragonflyCaps> = {
  everything: { server: 'dragonfly', version: '99.0.0', versionNumber: 990000 },
  rule([command, subcommand]) {
    const name = command.toLowerCase();
    return name === 'acl' && subcommand !== undefined ? `+acl ${subcommand.toLowerCase()}` : `+${name}`;
  },
};

export function dragonflyAclRules(): string[] {
  return dragonflyExporter.aclRules(dragonflyAclDialect);
}
