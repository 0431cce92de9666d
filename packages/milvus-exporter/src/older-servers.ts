import { readPrivileges } from './reads.ts';

type Grant = readonly [privilege: string, objectType: 'Global' | 'Collection'];

/**
 * How servers built on older milvus-proto tags check the exporter's RPCs differently from `readPrivileges`
 * (the SDK's protocol description). Each row holds for tags from `from` (default: all) before `until`, from each request message's
 * `(common.privilege_ext_obj)` in proto/milvus.proto at the tags (packages/testing/fixtures/milvus/rpc-privileges.txt,
 * made by scripts/milvus-rpc-privileges.ts); the least-privilege test runs a stand-in of each tag under these grants.
 */
export const olderProtoDifferences: readonly {
  readonly from?: string;
  readonly until: string;
  readonly what: string;
  readonly add?: readonly Grant[];
  readonly remove?: readonly string[];
  readonly replace?: Readonly<Record<string, string>>;
}[] = [
  {
    until: 'v2.4.1',
    what: '`ListDatabases` and `ShowCollections` are privilege-checked',
    add: [
      ['ListDatabases', 'Global'],
      ['ShowCollections', 'Global'],
    ],
  },
  { until: 'v2.4.3', what: '`DescribeDatabase` does not exist (no database properties)', remove: ['DescribeDatabase'] },
  { from: 'v2.4.3', until: 'v2.4.5', what: '`DescribeDatabase` is not privilege-checked', remove: ['DescribeDatabase'] },
  { until: 'v2.4.10', what: '`GetLoadState` and `GetLoadingProgress` need `Load`', replace: { GetLoadState: 'Load' } },
];

const tagNumber = (tag: string) =>
  tag
    .replace(/^v/, '')
    .split('.')
    .reduce((sum, part) => sum * 1000 + Number.parseInt(part, 10), 0);

/** The differences that hold on a server built with milvus-proto `tag`. */
export function differencesAt(tag: string): typeof olderProtoDifferences {
  return olderProtoDifferences.filter(
    (difference) => tagNumber(tag) < tagNumber(difference.until) && (difference.from === undefined || tagNumber(tag) >= tagNumber(difference.from)),
  );
}

/** The grants the given reads need on a server built with milvus-proto `tag`, e.g. `v2.4.5`. */
export function grantsForProto(tag: string, reads: readonly (keyof typeof readPrivileges)[]): Grant[] {
  let grants: Grant[] = reads.flatMap((read): readonly Grant[] => readPrivileges[read]);
  for (const difference of differencesAt(tag)) {
    grants = grants
      .filter(([privilege]) => !difference.remove?.includes(privilege))
      .map(([privilege, objectType]): Grant => [difference.replace?.[privilege] ?? privilege, objectType]);
    grants.push(...(difference.add ?? []));
  }
  return grants.filter(([privilege], index) => grants.findIndex(([other]) => other === privilege) === index);
}
