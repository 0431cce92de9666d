// Prints fixtures/dragonfly/command-categories-<tag>.txt from a clone of dragonflydb/dragonfly:
//   node scripts/dragonfly-command-categories.ts <git dir> v1.40.0 > packages/testing/fixtures/dragonfly/command-categories-v1.40.0.txt
// What it reads, at the tag: every `CI{"NAME", mask, arity, first, last[, acl]}` in src/server (not tests).
// With an acl argument (a category, or a kX constant of the same file), those are the categories; without,
// they come from the mask as command_registry.cc ImplicitAclCategories does, plus the family's category
// from StartFamily(acl::X) (CommandId::SetAclCategory adds it to implicit ones only).
import { execFileSync } from 'node:child_process';

const [gitDir, tag] = process.argv.slice(2);
if (gitDir === undefined || tag === undefined) throw new Error('usage: dragonfly-command-categories.ts <git dir> <tag>');
const git = (...args: string[]) => execFileSync('git', ['--git-dir', gitDir, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });

// acl_family.h reverse_cat_table_, in bit order (HYPERLOGLOG is spelt HYPERLOG there).
const order =
  'KEYSPACE READ WRITE SET SORTEDSET LIST HASH STRING BITMAP HYPERLOG GEO STREAM PUBSUB ADMIN FAST SLOW BLOCKING DANGEROUS CONNECTION TRANSACTION SCRIPTING CUCKOO_FILTER TOPK CMS BLOOM FT_SEARCH THROTTLE JSON'.split(
    ' ',
  );
const category = (token: string) => (token === 'HYPERLOGLOG' ? 'HYPERLOG' : token);

function implicitCategories(flags: Set<string>): Set<string> {
  if (flags.has('ADMIN')) flags.add('NOSCRIPT');
  const out = new Set<string>();
  if (flags.has('JOURNALED')) out.add('WRITE');
  if (flags.has('READONLY') && !flags.has('NOSCRIPT')) out.add('READ');
  if (flags.has('ADMIN')) for (const cat of ['ADMIN', 'DANGEROUS']) out.add(cat);
  if (flags.has('FAST')) out.add('FAST');
  if (flags.has('BLOCKING')) out.add('BLOCKING');
  if (!out.has('FAST')) out.add('SLOW');
  return out;
}

const files = git('ls-tree', '-r', '--name-only', tag, 'src/server')
  .split('\n')
  .filter((path) => path.endsWith('.cc') && !path.endsWith('_test.cc'));
const categories = new Map<string, Set<string>>();
for (const path of files) {
  const source = git('show', `${tag}:${path}`);
  const constants = new Map<string, string>();
  for (const [, name = '', expression = ''] of source.matchAll(/(?:constexpr|const) uint32_t (k\w+)\s*=\s*([^;]+);/g)) constants.set(name, expression);
  // Identifiers, constants resolved (one level is all the registry files use), namespaces dropped.
  const tokens = (expression: string): string[] =>
    expression
      .split('|')
      .map((token) => token.trim().replace(/^(acl|CO)::/, ''))
      .flatMap((token) => (constants.has(token) ? tokens(constants.get(token) as string) : [token]));
  const families = [...source.matchAll(/StartFamily\(([^)]*)\)/g)].map((match) => ({ at: match.index ?? 0, category: match[1]?.replace(/^acl::/, '') ?? '' }));
  for (const match of source.matchAll(/CI\{\s*"([^"]+)"\s*,\s*([^,]+?)\s*,\s*-?\d+\s*,\s*-?\d+\s*,\s*-?\d+\s*(?:,\s*([^}]+?))?\s*\}/g)) {
    const [, command = '', mask = '', acl] = match;
    let cats: Set<string>;
    if (acl !== undefined) {
      // `0`: no category at all (RANDOMKEY), reachable only by name or +@all.
      cats = new Set(
        tokens(acl)
          .filter((token) => token !== '0')
          .map(category),
      );
    } else {
      cats = implicitCategories(new Set(tokens(mask)));
      const family = families.filter((start) => start.at < (match.index ?? 0)).at(-1)?.category;
      if (family) cats.add(category(family));
    }
    const unknown = [...cats].filter((cat) => !order.includes(cat));
    if (unknown.length > 0) throw new Error(`${path}: ${command}: categories ${unknown.join(', ')} are not in acl_family.h`);
    categories.set(command, cats);
  }
}
console.log(`# Dragonfly ${tag}: every registered command and its ACL categories, read from CI{...} in src/server by`);
console.log('# scripts/dragonfly-command-categories.ts (which says how).');
for (const [command, cats] of [...categories].sort(([a], [b]) => (a < b ? -1 : 1)))
  console.log(`${command}\t${order.filter((cat) => cats.has(cat)).join(',')}`);
