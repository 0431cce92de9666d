import { readFixture } from '../fixtures.ts';

/**
 * RPCs and their privileges at older milvus-proto tags, from proto/milvus.proto at each tag (the fixture's
 * header says how it was made). null: the RPC exists and is not privilege-checked.
 */
export const privilegesByProto: ReadonlyMap<string, ReadonlyMap<string, { privilege: string; objectType: string } | null>> = (() => {
  const byTag = new Map<string, Map<string, { privilege: string; objectType: string } | null>>();
  for (const line of readFixture('milvus/rpc-privileges.txt').split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const [tag = '', rpc = '', privilege = '-', objectType = '-'] = line.split('\t');
    const rpcs = byTag.get(tag) ?? new Map();
    rpcs.set(rpc, privilege === '-' ? null : { privilege, objectType });
    byTag.set(tag, rpcs);
  }
  return byTag;
})();

export const protoTags: readonly string[] = [...privilegesByProto.keys()];
