import { type DashboardSpec, sel } from './model.ts';

const redisFamily = (suffix: string) => `__name__=~"(valkey|redis|dragonfly)_${suffix}"`;
const any = (suffix: string, extra = '') => sel('', `${redisFamily(suffix)}${extra === '' ? '' : `, ${extra}`}`);

/** Security signals of every engine side by side, for whoever watches for attacks rather than capacity. */
export const securityDashboard: DashboardSpec = {
  uid: 'keepwatch-security',
  title: 'Security overview (keepwatch)',
  description:
    'Authentication failures, ACL and permission denials, dangerous commands, connection floods and log security events across Valkey, Dragonfly and Milvus.',
  tags: ['keepwatch', 'security'],
  variableMetric: '{__name__=~"(valkey|redis|dragonfly|milvus)_up"}',
  rows: [
    {
      title: 'Authentication',
      panels: [
        {
          title: 'Failed authentications per second',
          description: 'Rejected logins: AUTH/HELLO on Valkey and Dragonfly, unauthenticated requests in the Milvus access log.',
          type: 'timeseries',
          unit: 'ops',
          width: 24,
          targets: [
            { expr: `sum by (job, instance) (rate(${any('auth_failures_total')}[$__rate_interval]))`, legend: '{{job}} {{instance}}' },
            { expr: `sum by (job, instance) (rate(${sel('milvus_access_auth_failures_total')}[$__rate_interval]))`, legend: '{{job}} {{instance}}' },
          ],
        },
      ],
    },
    {
      title: 'Authorisation',
      panels: [
        {
          title: 'Denials by user',
          description: 'ACL denials (Valkey, Dragonfly ACL LOG) and permission denials (Milvus access log), by user.',
          type: 'timeseries',
          unit: 'ops',
          targets: [
            {
              expr: `sum by (job, instance, user) (rate(${any('acl_log_events_total', 'reason!="auth"')}[$__rate_interval]))`,
              legend: '{{instance}} {{user}}',
            },
            { expr: `sum by (job, instance, user) (rate(${sel('milvus_access_permission_denied_total')}[$__rate_interval]))`, legend: '{{instance}} {{user}}' },
          ],
        },
        {
          title: 'Dangerous commands',
          description: 'Dangerous commands run on Valkey and Dragonfly, per interval.',
          type: 'timeseries',
          unit: 'short',
          targets: [{ expr: `sum by (job, instance, cmd) (increase(${any('dangerous_commands_total')}[$__rate_interval]))`, legend: '{{instance}} {{cmd}}' }],
        },
      ],
    },
    {
      title: 'Connections and logs',
      panels: [
        {
          title: 'Connected clients',
          description: 'Client connections on Valkey and Dragonfly; a sudden step is a flood or a reconnect storm.',
          type: 'timeseries',
          unit: 'short',
          targets: [{ expr: any('connected_clients'), legend: '{{job}} {{instance}}' }],
        },
        {
          title: 'New connections per second',
          description: 'Connections accepted per second on Valkey and Dragonfly.',
          type: 'timeseries',
          unit: 'ops',
          targets: [{ expr: `sum by (job, instance) (rate(${any('connections_received_total')}[$__rate_interval]))`, legend: '{{job}} {{instance}}' }],
        },
        {
          title: 'Log security events',
          description: "Security-relevant events classified from the engines' logs (--log.file), per interval.",
          type: 'timeseries',
          unit: 'short',
          width: 24,
          targets: [
            {
              expr: `sum by (job, instance, event) (increase(${sel('', '__name__=~"(valkey|redis|dragonfly|milvus)_log_events_total", event=~"security_attack|acl_load_error|access_auth_failure|access_permission_denied|password_rejected|unknown_user|api_key_rejected|permission_denied|shutdown_requested|replicaof_changed"')}[$__rate_interval]))`,
              legend: '{{instance}} {{event}}',
            },
          ],
        },
      ],
    },
    {
      title: 'Posture',
      panels: [
        {
          title: 'Weak settings per instance (1 = weak)',
          description:
            "From the exporters' security_* gauges: a default user without password, protected mode off (Valkey), DEBUG or MODULE LOAD allowed (Valkey). Each has an alert with a runbook.",
          type: 'stat',
          unit: 'short',
          width: 24,
          targets: [
            { expr: `max by (job, instance) (${any('security_default_user_nopass')})`, legend: '{{instance}} default user without password' },
            { expr: `1 - max by (job, instance) (${any('security_protected_mode_enabled')})`, legend: '{{instance}} protected mode off' },
            { expr: `max by (job, instance) (${any('security_debug_command_enabled')})`, legend: '{{instance}} DEBUG allowed' },
            { expr: `max by (job, instance) (${any('security_module_command_enabled')})`, legend: '{{instance}} MODULE LOAD allowed' },
          ],
        },
      ],
    },
  ],
};
