import { privilegeChecked, protoTags, startMilvusStandin } from '@keepwatch/testing/milvus-standin';
import { describe, expect, test } from 'vitest';
import { milvusCollectors } from '../src/collectors/index.ts';
import { grantsForProto } from '../src/older-servers.ts';
import { startTestExporter } from './harness/exporter.ts';

const defaultCollectors = milvusCollectors.filter((collector) => collector.defaultEnabled);
const defaultReads = defaultCollectors.flatMap((collector) => collector.reads);

// The stand-in checks each RPC as proto/milvus.proto at the tag says (fixtures/milvus/rpc-privileges.txt).
describe.each(protoTags)('a Milvus proxy built with milvus-proto %s', (tag) => {
  test("under exactly the README's grants for it: every default collector succeeds, nothing is denied, no grant is unused", async () => {
    const grants = grantsForProto(tag, defaultReads);
    const milvus = await startMilvusStandin((state) => {
      state.proto = tag;
      state.users = new Map([
        ['root', 'Milvus'],
        ['exporter', 'canary-Pa55-word'],
      ]);
      state.grants.set('exporter', new Set(grants.map(([privilege]) => privilege)));
    });
    const exporter = await startTestExporter(milvus.address, ['--milvus.username', 'exporter'], { MILVUS_PASSWORD: 'canary-Pa55-word' });
    try {
      for (let i = 0; i < 3; i += 1) {
        const metrics = await exporter.scrape();
        for (const collector of defaultCollectors)
          expect(metrics.value('milvus_exporter_collector_success', { collector: collector.name }), collector.name).toBe(1);
        expect(metrics.value('milvus_databases')).toBe(milvus.state.databases.size);
      }
      expect(milvus.calls.filter((call) => call.outcome === 'permission-denied')).toEqual([]);
      const checked = new Set(milvus.calls.flatMap((call) => privilegeChecked(tag, call.method)?.privilege ?? []));
      expect([...checked].sort()).toEqual(grants.map(([privilege]) => privilege).sort());
    } finally {
      await exporter.close();
      await milvus.close();
    }
  });
});
