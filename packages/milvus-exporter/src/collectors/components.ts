import { gauge, type MetricDescriptor } from '@keepwatch/core/metrics';
import type { ComponentRead, MilvusCollector } from '../snapshot.ts';

const labels = ['role', 'node_id'];

const metrics = {
  info: gauge('component_info', 'One series per Milvus component (GetMetrics system_info), with its build version; always 1.', [...labels, 'version']),
  count: gauge('components', 'Components by role (GetMetrics system_info).', ['role']),
  healthy: gauge('component_healthy', 'Whether the component answered its coordinator without error (has_error false): 1 yes, 0 no.', labels),
  cpuCores: gauge('component_cpu_cores', 'CPU cores the component node has.', labels),
  cpuUsage: gauge('component_cpu_usage_ratio', 'CPU usage of the component node, 0..1 of its cores (cpu_core_usage / 100).', labels),
  memory: gauge('component_memory_bytes', 'Memory of the component node, in bytes.', labels),
  memoryUsed: gauge('component_memory_used_bytes', 'Memory the component node uses, in bytes.', labels),
  disk: gauge('component_disk_bytes', 'Disk of the component node, in bytes.', labels),
  diskUsed: gauge('component_disk_used_bytes', 'Disk the component node uses, in bytes.', labels),
  growing: gauge('component_growing_segments_bytes', 'Bytes of growing (not yet sealed) segments on a query node.', labels),
};

const optional: readonly [keyof ComponentRead, MetricDescriptor][] = [
  ['cpuCores', metrics.cpuCores],
  ['cpuUsage', metrics.cpuUsage],
  ['memoryBytes', metrics.memory],
  ['memoryUsedBytes', metrics.memoryUsed],
  ['diskBytes', metrics.disk],
  ['diskUsedBytes', metrics.diskUsed],
  ['growingSegmentsBytes', metrics.growing],
];

export const componentsCollector: MilvusCollector = {
  name: 'components',
  help: 'Every coordinator and node: role, id, health, CPU, memory and disk (GetMetrics system_info; the proxy caches it 5 s).',
  defaultEnabled: true,
  metrics: Object.values(metrics),
  reads: ['system'],
  collect(snapshot, sink) {
    const seen = new Set<string>();
    const perRole = new Map<string, number>();
    for (const component of snapshot.read('system')) {
      const key = `${component.role}/${component.nodeId}`;
      if (seen.has(key)) continue;
      seen.add(key);
      perRole.set(component.role, (perRole.get(component.role) ?? 0) + 1);
      const node = { role: component.role, node_id: component.nodeId };
      sink.emit(metrics.info, 1, { ...node, version: component.version });
      sink.emit(metrics.healthy, component.hasError ? 0 : 1, node);
      for (const [field, descriptor] of optional) {
        const value = component[field];
        if (typeof value === 'number') sink.emit(descriptor, value, node);
      }
    }
    for (const [role, count] of perRole) sink.emit(metrics.count, count, { role });
  },
};
