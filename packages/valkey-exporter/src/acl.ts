import type { ValkeyCaps } from './capabilities.ts';
import type { CommandSpec, ValkeyCollector } from './snapshot.ts';

/** Commands whose first argument is a subcommand that ACL rules can grant on its own. */
const containerCommands = new Set(['acl', 'client', 'cluster', 'commandlog', 'config', 'latency', 'memory', 'slowlog']);

/** Commands every connection sends besides the collectors' (AUTH needs no grant). */
const handshakeCommands: readonly CommandSpec['argv'][] = [
  ['CLIENT', 'SETNAME', 'keepwatch'],
  ['INFO', 'ALL'],
];

function aclRule(argv: CommandSpec['argv']): string {
  const [command, subcommand] = argv;
  const name = command.toLowerCase();
  return containerCommands.has(name) && subcommand !== undefined ? `+${name}|${subcommand.toLowerCase()}` : `+${name}`;
}

const everything: ValkeyCaps = { flavour: 'valkey', version: '99.0.0', versionNumber: 990000, clusterEnabled: true, refused: new Map() };

/**
 * The least-privilege ACL rules for the exporter: every command the given collectors can send and nothing
 * else, by subcommand (INFO, SLOWLOG, LATENCY, ACL LOG and CONFIG are @admin/@dangerous, so no category
 * grant is narrow enough). Generated from the collectors so docs, tests and code never drift apart.
 */
export function exporterAclRules(collectors: readonly ValkeyCollector[]): string[] {
  const rules = new Set(handshakeCommands.map(aclRule));
  for (const collector of collectors) for (const command of collector.commands?.(everything) ?? []) rules.add(aclRule(command.argv));
  return ['on', 'resetkeys', 'resetchannels', '-@all', ...[...rules].sort()];
}
