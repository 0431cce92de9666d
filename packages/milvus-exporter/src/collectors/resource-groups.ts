import { gauge } from '@keepwatch/core/metrics';
import type { MilvusCollector } from '../snapshot.ts';

const labels = ['resource_group'];

const metrics = {
  capacity: gauge('resource_group_capacity', 'Query nodes the resource group may hold (DescribeResourceGroup capacity).', labels),
  available: gauge('resource_group_available_nodes', 'Query nodes available in the resource group.', labels),
  replicas: gauge('resource_group_loaded_replicas', 'Collection replicas loaded in the resource group.', labels),
  requested: gauge('resource_group_requested_nodes', 'Query nodes the resource group requests (config.requests.node_num).', labels),
  limit: gauge('resource_group_node_limit', 'Most query nodes the resource group may take (config.limits.node_num).', labels),
};

export const resourceGroupsCollector: MilvusCollector = {
  name: 'resource-groups',
  help: 'Resource groups: capacity, available nodes, loaded replicas, node requests and limits (ListResourceGroups, DescribeResourceGroup).',
  defaultEnabled: true,
  metrics: Object.values(metrics),
  reads: ['resource-groups'],
  collect(snapshot, sink) {
    for (const group of snapshot.read('resource-groups')) {
      const series = { resource_group: group.name };
      sink.emit(metrics.capacity, group.capacity, series);
      sink.emit(metrics.available, group.availableNodes, series);
      sink.emit(metrics.replicas, group.loadedReplicas, series);
      sink.emit(metrics.requested, group.requestedNodes, series);
      sink.emit(metrics.limit, group.nodeLimit, series);
    }
  },
};
