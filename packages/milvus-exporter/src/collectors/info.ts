import { gauge } from '@keepwatch/core/metrics';
import type { MilvusCollector } from '../snapshot.ts';

const metrics = {
  version: gauge('version_info', 'Milvus version (GetVersion) and build (Connect server_info); always 1.', [
    'version',
    'deploy_mode',
    'git_commit',
    'go_version',
  ]),
};

export const infoCollector: MilvusCollector = {
  name: 'info',
  help: 'Server version, deploy mode and build (GetVersion, Connect).',
  defaultEnabled: true,
  metrics: Object.values(metrics),
  reads: [],
  collect(snapshot, sink) {
    const { caps } = snapshot;
    sink.emit(metrics.version, 1, {
      version: snapshot.version || caps.buildTags,
      deploy_mode: caps.deployMode,
      git_commit: caps.gitCommit,
      go_version: caps.goVersion,
    });
  },
};
