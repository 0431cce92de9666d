import { gauge } from '@keepwatch/core/metrics';
import type { MilvusCollector } from '../snapshot.ts';

const metrics = {
  users: gauge('rbac_users', 'Users with credentials (ListCredUsers).'),
  roles: gauge('rbac_roles', 'Roles, built-in admin and public included (SelectRole).'),
};

export const rbacCollector: MilvusCollector = {
  name: 'rbac',
  help: 'Counts of users and roles (ListCredUsers, SelectRole; needs the SelectOwnership privilege).',
  defaultEnabled: true,
  metrics: Object.values(metrics),
  reads: ['rbac'],
  collect(snapshot, sink) {
    const rbac = snapshot.read('rbac');
    sink.emit(metrics.users, rbac.users);
    sink.emit(metrics.roles, rbac.roles);
  },
};
