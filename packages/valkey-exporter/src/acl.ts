import { type AclRuleDialect, commandOnlyUser, versionNumber } from '@keepwatch/resp';
import type { ValkeyCaps } from './capabilities.ts';
import { valkeyExporter } from './definition.ts';

/** Commands whose first argument is a subcommand that ACL rules can grant on its own. */
const containerCommands = new Set(['acl', 'client', 'cluster', 'commandlog', 'config', 'latency', 'memory', 'sentinel', 'slowlog', 'xinfo']);

export const valkeyAclDialect: AclRuleDialect<ValkeyCaps> = {
  everything: { server: 'valkey', version: '99.0.0', versionNumber: 990000, clusterEnabled: true, sentinel: false },
  rule([command, subcommand]) {
    const name = command.toLowerCase();
    return containerCommands.has(name) && subcommand !== undefined ? `+${name}|${subcommand.toLowerCase()}` : `+${name}`;
  },
};

/** A server by engine and version, e.g. `{ flavour: 'valkey', version: '8.0' }`. */
export interface ValkeyServerVersion {
  readonly flavour: ValkeyCaps['server'];
  readonly version: string;
}

/**
 * The exporter's least-privilege ACL rules for one server version, or by default for the newest (every
 * command any collector sends). Older servers refuse the newest rules outright (`+commandlog|get` before
 * Valkey 8.1: "Unknown command or category name in ACL").
 */
export function valkeyAclRules(server?: ValkeyServerVersion): string[] {
  if (server === undefined) return valkeyExporter.aclRules(valkeyAclDialect);
  const caps = { ...valkeyAclDialect.everything, server: server.flavour, version: server.version, versionNumber: versionNumber(server.version) };
  return valkeyExporter.aclRules(valkeyAclDialect, caps);
}

/** What the keys, key-groups and streams collectors add to the rules when enabled (besides `%R~<pattern>`). */
export function valkeyKeyCheckAclRules(): { readonly collector: string; readonly rules: readonly string[] }[] {
  return valkeyExporter.explorerAclRules(valkeyAclDialect).filter((entry) => entry.collector !== 'sentinel');
}

/** The rules of an exporter user on a Sentinel: the connection's commands and SENTINEL's read-only subcommands. */
export function sentinelAclRules(): string[] {
  const sentinel = valkeyExporter.explorerAclRules(valkeyAclDialect).find((entry) => entry.collector === 'sentinel')?.rules ?? [];
  return commandOnlyUser([...valkeyExporter.connectionAclRules(valkeyAclDialect), ...sentinel]);
}
