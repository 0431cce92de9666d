import { readFixture } from '../fixtures.ts';

/**
 * Dragonfly v1.40.0's command registry: every command (ACL's subcommands as two-word commands) and its ACL
 * categories, extracted from upstream by scripts/dragonfly-command-categories.ts (at the repository root).
 */
export const registry: ReadonlyMap<string, ReadonlySet<string>> = new Map(
  readFixture('dragonfly/command-categories-v1.40.0.txt')
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [name = '', categories = ''] = line.split('\t');
      return [name, new Set(categories.split(',').filter((category) => category !== ''))];
    }),
);

/** acl_family.h cat_table_: the names `+@` accepts, SEARCH an alias of FT_SEARCH and ALL every command. */
const aliases: Record<string, string> = { SEARCH: 'FT_SEARCH' };
const knownCategories = new Set([...registry.values()].flatMap((categories) => [...categories]));

/** Arguments of ACL SETUSER that are not about commands (passwords, key and channel patterns, on/off, ...). */
const notCommandRule = /^([<>#!~%&]|on$|off$|nopass$|resetpass$|resetkeys$|resetchannels$|allkeys$|allchannels$|\$)/i;

/**
 * The commands a user with these ACL SETUSER rules may run, as AclFamily::ParseAclSetUser (v1.40.0
 * src/server/acl/acl_family.cc) reads them: in order, from none; ALLCOMMANDS/+@all and NOCOMMANDS/-@all;
 * +@category/-@category over the registry's categories; +NAME/-NAME for a registered command (ACL LOG as
 * one name). Anything else is refused as Dragonfly refuses it: "Unrecognized parameter".
 */
export function aclPermissions(rules: readonly string[]): (command: string) => boolean {
  const allowed = new Set<string>();
  const apply = (add: boolean, names: Iterable<string>) => {
    for (const name of names) add ? allowed.add(name) : allowed.delete(name);
  };
  for (const rule of rules) {
    if (notCommandRule.test(rule)) continue;
    const upper = rule.toUpperCase();
    const add = upper.startsWith('+');
    if (upper === 'ALLCOMMANDS' || upper === 'NOCOMMANDS') {
      apply(upper === 'ALLCOMMANDS', registry.keys());
    } else if (/^[+-]@/.test(upper)) {
      const category = aliases[upper.slice(2)] ?? upper.slice(2);
      if (category === 'ALL') apply(add, registry.keys());
      else if (knownCategories.has(category))
        apply(
          add,
          [...registry].filter(([, categories]) => categories.has(category)).map(([name]) => name),
        );
      else throw new Error(`Unrecognized parameter ${upper}`);
    } else if (/^[+-]/.test(upper) && registry.has(upper.slice(1))) {
      apply(add, [upper.slice(1)]);
    } else {
      throw new Error(`Unrecognized parameter ${upper}`);
    }
  }
  return (command) => allowed.has(command.toUpperCase());
}
