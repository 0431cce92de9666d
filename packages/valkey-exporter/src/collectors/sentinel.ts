import { gauge } from '@keepwatch/core/metrics';
import { flatPairs } from '@keepwatch/resp/collectors';
import type { ValkeyCollector } from '../capabilities.ts';

const master = ['master_name', 'master_address'];

// redis_exporter's names and labels (exporter/sentinels.go at v1.69.0) where they are Prometheus-correct;
// its millisecond settings are seconds here, and its ckquorum error text is not a label.
const metrics = {
  status: gauge('sentinel_master_status', 'Whether this Sentinel sees the master as ok (1) or down (0); `master_status` is ok, sdown or odown.', [
    ...master,
    'master_status',
  ]),
  replicas: gauge('sentinel_master_slaves', 'Replicas this Sentinel knows for the master.', master),
  okReplicas: gauge('sentinel_master_ok_slaves', 'Replicas of the master that this Sentinel sees up (neither s_down nor o_down).', master),
  sentinels: gauge('sentinel_master_sentinels', 'Sentinels monitoring the master, this one included.', master),
  okSentinels: gauge('sentinel_master_ok_sentinels', 'Sentinels monitoring the master that this Sentinel sees up, this one included.', master),
  quorum: gauge('sentinel_master_setting_ckquorum', 'Sentinels that must agree the master is down before a failover (the quorum).', master),
  quorumOk: gauge(
    'sentinel_master_ckquorum_ok',
    'Whether enough Sentinels are reachable to reach the quorum and authorize a failover (SENTINEL CKQUORUM): 1 yes, 0 no.',
    master,
  ),
  failoverTimeout: gauge('sentinel_master_setting_failover_timeout_seconds', 'The failover-timeout setting for the master, in seconds.', master),
  parallelSyncs: gauge('sentinel_master_setting_parallel_syncs', 'Replicas reconfigured at once after a failover.', master),
  downAfter: gauge('sentinel_master_setting_down_after_seconds', 'Seconds without a valid reply before the master is subjectively down.', master),
  // Without master_address: a failover changes the address, and the epoch must stay one series to count it.
  configEpoch: gauge('sentinel_master_config_epoch', "The master's configuration epoch, which each failover raises (SENTINEL MASTERS config-epoch).", [
    'master_name',
  ]),
  failoverInProgress: gauge('sentinel_master_failover_in_progress', 'Whether a failover of the master is in progress: 1 yes, 0 no.', master),
};

const up = (flags: unknown) => !/\b[so]_down\b/.test(String(flags ?? ''));

interface MasterReading {
  readonly fields: Map<string, unknown>;
  readonly quorumOk: boolean;
  readonly replicas: readonly Map<string, unknown>[];
  readonly sentinels: readonly Map<string, unknown>[];
}

/**
 * On a Sentinel (INFO server_mode or redis_mode `sentinel`): every master it monitors, its replicas and the
 * other Sentinels as this one sees them, and whether a failover could be authorized now (SENTINEL CKQUORUM).
 * Two round trips: the masters, then three commands per master.
 */
export const sentinelCollector: ValkeyCollector = {
  name: 'sentinel',
  help: 'On a Sentinel: status, replicas, Sentinels, quorum, settings and config epoch of each monitored master.',
  defaultEnabled: true,
  metrics: Object.values(metrics),
  applies: (caps) => caps.sentinel,
  explore: {
    commands: () => [
      ['SENTINEL', 'MASTERS'],
      ['SENTINEL', 'CKQUORUM'],
      ['SENTINEL', 'REPLICAS'],
      ['SENTINEL', 'SENTINELS'],
    ],
    async run(session): Promise<MasterReading[]> {
      const [masters] = await session.batch([['SENTINEL', 'MASTERS']]);
      if (masters instanceof Error) throw masters;
      if (!Array.isArray(masters)) throw new Error('SENTINEL MASTERS did not return an array');
      const fields = masters.map(flatPairs);
      const names = fields.map((entry) => String(entry.get('name')));
      const replies = await session.batch(
        names.flatMap((name): [string, ...string[]][] => [
          ['SENTINEL', 'CKQUORUM', name],
          ['SENTINEL', 'REPLICAS', name],
          ['SENTINEL', 'SENTINELS', name],
        ]),
      );
      const list = (reply: unknown) => (Array.isArray(reply) ? reply.map(flatPairs) : []);
      // CKQUORUM answers "+OK ..." or an error naming what is missing ("NOQUORUM ...").
      return fields.map((entry, index) => ({
        fields: entry,
        quorumOk: !(replies[index * 3] instanceof Error),
        replicas: list(replies[index * 3 + 1]),
        sentinels: list(replies[index * 3 + 2]),
      }));
    },
  },
  collect(snapshot, sink) {
    for (const { fields, quorumOk, replicas, sentinels } of snapshot.explored('sentinel') as MasterReading[]) {
      const name = String(fields.get('name'));
      const labels = { master_name: name, master_address: `${String(fields.get('ip'))}:${String(fields.get('port'))}` };
      const flags = String(fields.get('flags') ?? '');
      const status = /\bo_down\b/.test(flags) ? 'odown' : /\bs_down\b/.test(flags) ? 'sdown' : 'ok';
      const number = (field: string) => Number(fields.get(field));
      sink.emit(metrics.status, status === 'ok' ? 1 : 0, { ...labels, master_status: status });
      sink.emit(metrics.replicas, replicas.length, labels);
      sink.emit(metrics.okReplicas, replicas.filter((replica) => up(replica.get('flags'))).length, labels);
      // The Sentinels list leaves out the one answering, which sees itself.
      sink.emit(metrics.sentinels, sentinels.length + 1, labels);
      sink.emit(metrics.okSentinels, sentinels.filter((sentinel) => up(sentinel.get('flags'))).length + 1, labels);
      sink.emit(metrics.quorum, number('quorum'), labels);
      sink.emit(metrics.quorumOk, quorumOk ? 1 : 0, labels);
      sink.emit(metrics.failoverTimeout, number('failover-timeout') / 1000, labels);
      sink.emit(metrics.parallelSyncs, number('parallel-syncs'), labels);
      sink.emit(metrics.downAfter, number('down-after-milliseconds') / 1000, labels);
      sink.emit(metrics.configEpoch, number('config-epoch'), { master_name: name });
      sink.emit(metrics.failoverInProgress, /\bfailover_in_progress\b/.test(flags) ? 1 : 0, labels);
    }
  },
};
