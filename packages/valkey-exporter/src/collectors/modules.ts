import { gauge, LabelCap } from '@keepwatch/core/metrics';
import { applyCatalogue, type Catalogue, counterField, gaugeField, parseInfo } from '@keepwatch/resp/info';
import type { ValkeyCollector } from '../capabilities.ts';

const labels = ['name', 'ver', 'api', 'filters', 'usedby', 'using'] as const;

// redis_exporter's names (exporter/modules.go and its RediSearch fields in exporter/exporter.go at v1.69.0),
// milliseconds as seconds.
const info = gauge('module_info', 'A loaded module (INFO MODULES); always 1.', [...labels]);
const milliseconds = 1e-3;

export const modulesCatalogue: Catalogue = {
  fields: [
    gaugeField('search_number_of_indexes', 'search_number_of_indexes', 'RediSearch indexes'),
    gaugeField('search_used_memory_indexes', 'search_used_memory_indexes_bytes', 'Memory used by RediSearch indexes'),
    gaugeField('search_global_idle', 'search_global_idle', 'RediSearch idle cursors'),
    gaugeField('search_global_total', 'search_global_total', 'RediSearch cursors'),
    gaugeField('search_bytes_collected', 'search_collected_bytes', 'Bytes collected by the RediSearch garbage collector'),
    ...[1, 2, 3, 4].map((dialect) => gaugeField(`search_dialect_${dialect}`, `search_dialect_${dialect}`, `Whether query dialect ${dialect} was used`)),
    counterField('search_total_indexing_time', 'search_indexing_seconds_total', 'Time RediSearch spent indexing', { scale: milliseconds }),
    counterField('search_total_cycles', 'search_cycles_total', 'RediSearch garbage collection cycles'),
    counterField('search_total_ms_run', 'search_gc_run_seconds_total', 'Time RediSearch garbage collection ran', { scale: milliseconds }),
  ],
  ignored: [],
  structured: [/^module$/],
};

/** Distinct modules labelled: a server loads a handful. */
const maxModules = 64;

/**
 * INFO MODULES: each loaded module as module_info (redis_exporter --include-modules-metrics) and the fields
 * modules add to INFO (RediSearch's search_* by name). Off by default, as in redis_exporter.
 */
export function modulesCollector(options: { exportUnknownFields: boolean }): ValkeyCollector {
  const modules = new LabelCap(maxModules);
  return {
    name: 'modules',
    help: 'Loaded modules (INFO MODULES) and the fields they add to INFO, such as RediSearch search_*.',
    defaultEnabled: false,
    metrics: [info],
    commands: () => [{ key: 'info-modules', argv: ['INFO', 'MODULES'] }],
    collect(snapshot, sink) {
      const document = parseInfo(String(snapshot.reply('info-modules')));
      applyCatalogue(document, modulesCatalogue, sink, { source: 'INFO MODULES', exportUnknown: options.exportUnknownFields });
      for (let index = 0; index < document.keys.length; index += 1) {
        const key = document.keys[index] as string;
        const value = document.values[index] as string;
        if (key !== 'module') continue;
        // module:name=ft,ver=10200,api=1,filters=0,usedby=[],using=[],options=[] (valkey 8.0.1 src/module.c genModulesInfoString;
        // the lists separate modules with |, so only commas outside brackets separate fields)
        const fields = new Map(value.split(/,(?![^[]*\])/).map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
        const name = fields.get('name') ?? '';
        if (modules.admit(name) !== name) continue;
        sink.emit(info, 1, Object.fromEntries(labels.map((label) => [label, fields.get(label) ?? ''])));
      }
    },
  };
}
