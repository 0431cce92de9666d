import type { RespCaps } from './capabilities.ts';
import type { CommandSpec, RespCollector } from './snapshot.ts';

export interface AclRuleDialect<C extends RespCaps> {
  /** Capabilities under which every collector asks for every command it can send. */
  readonly everything: C;
  /** The rule that grants one command, e.g. `+config|get` (Valkey) or `+acl log` (Dragonfly). */
  rule(argv: CommandSpec['argv']): string;
}

/**
 * The least-privilege ACL rules for the exporter: every command the given collectors can send and nothing
 * else (INFO, SLOWLOG, ACL LOG and CONFIG are @admin/@dangerous, so no category grant is narrow enough).
 * Generated from the connection's own commands and the collectors', so docs, tests and code never drift apart.
 * `caps` narrows them to one server version: a server refuses the whole ACL SETUSER if one rule names a
 * command it does not have.
 */
export function exporterAclRules<C extends RespCaps>(
  connection: readonly CommandSpec['argv'][],
  collectors: readonly RespCollector<C>[],
  dialect: AclRuleDialect<C>,
  caps: C = dialect.everything,
): string[] {
  const commands = [...connection];
  for (const collector of collectors) for (const command of collector.commands?.(caps) ?? []) commands.push(command.argv);
  return commandOnlyUser(commands.map((argv) => dialect.rule(argv)));
}

/** An enabled user that may run exactly these commands (once each, sorted) and touch no key or channel. */
export function commandOnlyUser(rules: Iterable<string>): string[] {
  return ['on', 'resetkeys', 'resetchannels', '-@all', ...[...new Set(rules)].sort()];
}

/**
 * What each collector with an explorer (key and stream checks) adds to the rules when enabled: its commands,
 * granted like the rest. Its keys need a key permission too (`%R~<pattern>`, read-only), which depends on
 * the patterns the user chose.
 */
export function explorerAclRules<C extends RespCaps>(
  collectors: readonly RespCollector<C>[],
  dialect: AclRuleDialect<C>,
  caps: C = dialect.everything,
): { readonly collector: string; readonly rules: readonly string[] }[] {
  return collectors.flatMap((collector) =>
    collector.explore === undefined
      ? []
      : [{ collector: collector.name, rules: [...new Set(collector.explore.commands(caps).map((argv) => dialect.rule(argv)))].sort() }],
  );
}
