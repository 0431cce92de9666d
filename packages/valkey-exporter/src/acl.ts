import type { AclRuleDialect } from '@keepwatch/resp';
import type { ValkeyCaps } from './capabilities.ts';
import { valkeyExporter } from './definition.ts';

/** Commands whose first argument is a subcommand that ACL rules can grant on its own. */
const containerCommands = new Set(['acl', 'client', 'cluster', 'commandlog', 'config', 'latency', 'memory', 'slowlog']);

export const valkeyAclDialect: AclRuleDialect<ValkeyCaps> = {
  everything: { server: 'valkey', version: '99.0.0', versionNumber: 990000, clusterEnabled: true },
  rule([command, subcommand]) {
    const name = command.toLowerCase();
    return containerCommands.has(name) && subcommand !== undefined ? `+${name}|${subcommand.toLowerCase()}` : `+${name}`;
  },
};

/** The exporter's least-privilege ACL rules, for every collector it has. */
export function valkeyAclRules(): string[] {
  return valkeyExporter.aclRules(valkeyAclDialect);
}
