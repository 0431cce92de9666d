import type { AlertSpec } from '../../alert.ts';
import { node, type RespAlertContext } from './context.ts';

/** Memory against maxmemory, growth without a limit, evictions. */
export function memoryAlerts({ engine, config, ns, title, m, s, t, w }: RespAlertContext): AlertSpec[] {
  const alerts: AlertSpec[] = [
    {
      name: `${title}MemoryNearMaxmemory`,
      severity: 'warning',
      symptom: true,
      expr: `${m('memory_used_ratio')} > ${t.memoryWarningRatio}`,
      for: config.for.memoryWarning,
      summary: `${title} memory is close to maxmemory.`,
      description: `{{ $labels.instance }} uses {{ $value | humanizePercentage }} of maxmemory.`,
      runbook: {
        meaning: `Used memory is above ${t.memoryWarningRatio * 100}% of maxmemory (\`${ns}_memory_used_ratio\`, absent when maxmemory is not set, so this alert cannot fire then). At maxmemory the server evicts keys or, with noeviction, refuses writes.`,
        confirm: "`INFO memory`: used_memory, maxmemory, maxmemory_policy; the dashboard's memory panel shows the trend.",
        action: 'Raise maxmemory (and the container limit with it), add shards, or reduce the data (TTLs, big keys).',
      },
      cases: [
        {
          name: 'ratio 0.9 for 10 minutes',
          series: { [s('memory_used_ratio')]: '0.5x2 0.9x12' },
          at: '14m',
          fires: [{ labels: node, description: 'a:9866 uses 90% of maxmemory.' }],
        },
        { name: 'maxmemory 0: the ratio is absent', series: { [s('memory_used_bytes')]: '1e9x14', [s('memory_max_bytes')]: '0x14' }, at: '14m', fires: [] },
      ],
    },
    {
      name: `${title}MemoryAtMaxmemory`,
      severity: 'critical',
      symptom: true,
      expr: `${m('memory_used_ratio')} > ${t.memoryCriticalRatio}`,
      for: config.for.memoryCritical,
      summary: `${title} memory is at maxmemory.`,
      description: `{{ $labels.instance }} uses {{ $value | humanizePercentage }} of maxmemory: evicting keys or refusing writes.`,
      runbook: {
        meaning: `Used memory is above ${t.memoryCriticalRatio * 100}% of maxmemory: the server is evicting (see evicted_keys_total) or, with noeviction, answering OOM errors to writes.`,
        confirm: "`INFO memory`, `INFO stats` evicted_keys, and the clients' OOM errors (errorstat_OOM).",
        action: 'Act now: raise maxmemory and the container limit, or remove data. Then look at what grew (the memory warning alert should have come first).',
      },
      cases: [
        {
          name: 'ratio 0.99 for 5 minutes',
          series: { [s('memory_used_ratio')]: '0.5x2 0.99x6' },
          at: '8m',
          fires: [{ labels: node, description: 'a:9866 uses 99% of maxmemory: evicting keys or refusing writes.' }],
        },
        { name: 'a spike shorter than for', series: { [s('memory_used_ratio')]: '0.5x2 0.99x2 0.5x4' }, at: '8m', fires: [] },
      ],
    },
    {
      name: `${title}MemoryGrowingWithoutLimit`,
      severity: 'warning',
      symptom: true,
      expr: `${m('memory_used_bytes')} > ${t.memoryGrowthFactor} * (${m('memory_used_bytes')} offset ${w.growth}) and ${m('memory_used_bytes')} > ${t.memoryGrowthMinimumBytes} unless on (job, instance) ${m('memory_max_bytes')} > 0`,
      for: config.for.memoryGrowth,
      summary: `${title} memory grows without a maxmemory limit.`,
      description: `{{ $labels.instance }} uses {{ $value | humanize1024 }}B, ${t.memoryGrowthFactor} times what it used ${w.growth} ago, and has no maxmemory.`,
      runbook: {
        meaning: `maxmemory is 0 (no limit) and used memory grew more than ${t.memoryGrowthFactor}x within ${w.growth}. Without a limit the server grows until the kernel or the container runtime kills it.`,
        confirm: '`CONFIG GET maxmemory` (0), `INFO memory`, the memory panel over the last day.',
        action: 'Set maxmemory below the container limit with a suitable eviction policy, and find what grows (key count per db, big keys).',
      },
      cases: [
        {
          name: 'doubled in an hour, no maxmemory',
          series: { [s('memory_used_bytes')]: '300000000x60 600000000x20', [s('memory_max_bytes')]: '0x80' },
          at: '78m',
          fires: [{ labels: node, description: `a:9866 uses 572.2MiB, ${t.memoryGrowthFactor} times what it used ${w.growth} ago, and has no maxmemory.` }],
        },
        {
          name: 'the same growth under a maxmemory limit',
          series: { [s('memory_used_bytes')]: '300000000x60 600000000x20', [s('memory_max_bytes')]: '1000000000x80' },
          at: '78m',
          fires: [],
        },
      ],
    },
    {
      name: `${title}KeysEvicted`,
      severity: 'info',
      symptom: true,
      expr: `rate(${m('evicted_keys_total')}[${w.burst}]) > 0`,
      for: config.for.evictions,
      summary: `${title} keeps evicting keys to stay under maxmemory.`,
      description: `{{ $labels.instance }} evicts {{ $value | printf "%.1f" }} keys per second.`,
      runbook: {
        meaning: `Keys have been evicted continuously for ${config.for.evictions}: the data set does not fit in maxmemory. Normal for a cache that is meant to evict; a data-loss bug for a store that is not.`,
        confirm: '`INFO stats` evicted_keys, `CONFIG GET maxmemory-policy`.',
        action:
          'A store: raise maxmemory or set noeviction (writes then fail instead of data vanishing). A cache: check the hit ratio; evictions are expected.',
      },
      cases: [
        {
          name: 'one key a second for 20 minutes',
          series: { [s('evicted_keys_total')]: '0+60x25' },
          at: '25m',
          fires: [{ labels: node, description: 'a:9866 evicts 1.0 keys per second.' }],
        },
        { name: 'a burst of evictions, then none', series: { [s('evicted_keys_total')]: '0x5 500 500x19' }, at: '25m', fires: [] },
      ],
    },
  ];
  if (engine.unlimitedMemory) alerts.push(hostMemoryAlert({ config, ns, title, m, s, t }));
  return alerts;
}

/** No maxmemory, and the server's resident memory near all of the host's. */
function hostMemoryAlert({ config, ns, title, m, s, t }: Pick<RespAlertContext, 'config' | 'ns' | 'title' | 'm' | 's' | 't'>): AlertSpec {
  const series = (rss: string, max: string) => ({
    [s('memory_used_rss_bytes')]: rss,
    [s('total_system_memory_bytes')]: '10e9x14',
    [s('memory_max_bytes')]: max,
  });
  return {
    name: `${title}MemoryNearHostMemory`,
    severity: 'critical',
    symptom: true,
    expr: `${m('memory_used_rss_bytes')} / on (job, instance) ${m('total_system_memory_bytes')} > ${t.hostMemoryRatio} unless on (job, instance) ${m('memory_max_bytes')} > 0`,
    for: config.for.memoryWarning,
    summary: `${title} has no maxmemory and holds most of the host's memory.`,
    description: `{{ $labels.instance }}: its resident memory is {{ $value | humanizePercentage }} of the host's, with no maxmemory.`,
    runbook: {
      meaning: `maxmemory is 0 and the server's resident memory (\`${ns}_memory_used_rss_bytes\`) is above ${t.hostMemoryRatio * 100}% of the host's (\`${ns}_total_system_memory_bytes\`). Nothing stops it before the kernel's OOM killer does. In a container it is worse than it looks: total_system_memory is the host's, and the container's limit, which kills first, is usually lower.`,
      confirm: '`INFO memory`: used_memory_rss, total_system_memory, maxmemory (0); the container limit (`kubectl describe pod`, `docker inspect`).',
      action:
        'Set maxmemory below the container limit (leave room for fork copy-on-write during saves) with an eviction policy that fits the data; find what grows.',
    },
    cases: [
      {
        name: 'resident memory at 90% of the host, no maxmemory',
        series: series('9e9x14', '0x14'),
        at: '14m',
        fires: [{ labels: node, description: "a:9866: its resident memory is 90% of the host's, with no maxmemory." }],
      },
      { name: 'a maxmemory is set', series: series('9e9x14', '8e9x14'), at: '14m', fires: [] },
      { name: 'half of the host', series: series('5e9x14', '0x14'), at: '14m', fires: [] },
    ],
  };
}
