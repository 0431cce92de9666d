import { gauge } from '@keepwatch/core/metrics';
import { applyCatalogue, type Catalogue } from '../info/index.ts';
import type { RespCollector } from '../snapshot.ts';

const roles = ['master', 'slave'] as const;

const metrics = {
  unknown: gauge(
    'exporter_unknown_info_fields',
    'Numeric INFO fields this exporter has no catalogue entry for (export them with --collector.info.export-unknown).',
  ),
  instance: gauge('instance_info', 'Identity of the server; always 1.', [
    'server',
    'version',
    'redis_version',
    'mode',
    'role',
    'os',
    'tcp_port',
    'maxmemory_policy',
  ]),
  role: gauge('instance_role', 'Replication role of the server (INFO role, `replica` read as slave): 1 for the current role, 0 otherwise.', ['role']),
  memoryRatio: gauge(
    'memory_used_ratio',
    'Memory counted for eviction (used_memory minus mem_not_counted_for_evict) as a ratio of maxmemory; absent when maxmemory is 0 (no limit).',
  ),
};

/** Every catalogued INFO ALL field, plus instance identity, role and the memory-limit ratio. */
export function infoCollector(options: { catalogue: Catalogue; exportUnknownFields: boolean }): RespCollector {
  return {
    name: 'info',
    help: 'Every numeric INFO ALL field through the catalogue, instance info, role and memory/maxmemory ratio.',
    defaultEnabled: true,
    metrics: Object.values(metrics),
    collect({ info, caps }, sink) {
      const { unknown } = applyCatalogue(info, options.catalogue, sink, { source: 'INFO', exportUnknown: options.exportUnknownFields });
      sink.emit(metrics.unknown, unknown.length);
      const role = info.get('role') === 'replica' ? 'slave' : (info.get('role') ?? '');
      sink.emit(metrics.instance, 1, {
        server: caps.server,
        version: caps.version,
        redis_version: info.get('redis_version') ?? '',
        mode: info.get('server_mode') ?? info.get('redis_mode') ?? '',
        role,
        os: info.get('os') ?? '',
        tcp_port: info.get('tcp_port') ?? '',
        maxmemory_policy: info.get('maxmemory_policy') ?? '',
      });
      for (const candidate of roles) sink.emit(metrics.role, candidate === role ? 1 : 0, { role: candidate });
      const maxmemory = info.number('maxmemory');
      const used = info.number('used_memory');
      if (maxmemory !== undefined && maxmemory > 0 && used !== undefined) {
        sink.emit(metrics.memoryRatio, (used - (info.number('mem_not_counted_for_evict') ?? 0)) / maxmemory);
      }
    },
  };
}
