import { gauge } from '@keepwatch/core/metrics';
import type { MilvusCollector } from '../snapshot.ts';

const metrics = {
  users: gauge('rbac_users', 'Users with credentials (ListCredUsers).'),
  roles: gauge('rbac_roles', 'Roles, built-in admin and public included (SelectRole).'),
};

export const rbacCollector: MilvusCollector = {
  name: 'rbac',
  help: "Counts of users and roles (ListCredUsers, SelectRole). Off by default: it needs SelectOwnership, a high privilege, and Milvus' own milvus_rootcoord_credential_num counts users already.",
  defaultEnabled: false,
  metrics: Object.values(metrics),
  reads: ['rbac'],
  collect(snapshot, sink) {
    const rbac = snapshot.read('rbac');
    sink.emit(metrics.users, rbac.users);
    sink.emit(metrics.roles, rbac.roles);
  },
};
