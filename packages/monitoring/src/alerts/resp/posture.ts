import type { AlertSpec } from '../../alert.ts';
import { node, type RespAlertContext } from './context.ts';

/**
 * A weak security posture, from the exporter's `security_*` gauges: a default user anyone can log in as,
 * and DEBUG or MODULE LOAD switched on. Each stays firing while the setting does, so `for` only rides out a
 * restart with a temporary configuration.
 */
export function postureAlerts({ engine, ns, title, m, s, config }: RespAlertContext): AlertSpec[] {
  const openDefaultUser = `${m('security_default_user_nopass')} == 1 and on (job, instance) ${m('security_default_user_enabled')} == 1`;
  const nopass = { [s('security_default_user_nopass')]: '1x20', [s('security_default_user_enabled')]: '1x20' };
  const withPassword = { [s('security_default_user_nopass')]: '0x20', [s('security_default_user_enabled')]: '1x20' };
  const passwordAction = `Give the default user a password (\`ACL SETUSER default on >...\`, or \`requirepass\`), or disable it (\`ACL SETUSER default off\`) once the applications use their own users; persist it in the ACL file or config.`;
  const alerts: AlertSpec[] = [
    {
      name: `${title}OpenToAnyone`,
      severity: 'critical',
      symptom: false,
      expr: engine.protectedMode ? `(${openDefaultUser}) unless on (job, instance) ${m('security_protected_mode_enabled')} == 1` : openDefaultUser,
      for: config.for.posture,
      summary: `${title} lets anyone who reaches its port in, as the default user.`,
      description: `{{ $labels.instance }}: the default user is enabled and has no password${engine.protectedMode ? ', and protected mode is off' : ''}.`,
      runbook: {
        meaning: `The default user is on with \`nopass\` (\`${ns}_security_default_user_nopass\`)${engine.protectedMode ? ' and protected mode is off' : ` (${title} has no protected mode)`}: every client that can open a TCP connection to the port has full access. Exposed servers like this are found and taken over by scanners within hours (data wiped for ransom, cron or SSH keys written with CONFIG SET, crypto miners loaded).`,
        confirm: `\`${engine.cli} -h <host> -p <port> PING\` from another machine answers PONG without credentials; \`ACL GETUSER default\` shows \`nopass\`.`,
        action: `${passwordAction} Until then restrict the network path (bind, firewall, NetworkPolicy).`,
      },
      cases: [
        {
          name: 'a default user without password',
          series: engine.protectedMode ? { ...nopass, [s('security_protected_mode_enabled')]: '0x20' } : nopass,
          at: '20m',
          fires: [
            {
              labels: node,
              description: `a:9866: the default user is enabled and has no password${engine.protectedMode ? ', and protected mode is off' : ''}.`,
            },
          ],
        },
        { name: 'a password set', series: withPassword, at: '20m', fires: [] },
        ...(engine.protectedMode
          ? [{ name: 'protected mode on (the next alert)', series: { ...nopass, [s('security_protected_mode_enabled')]: '1x20' }, at: '20m', fires: [] }]
          : []),
      ],
    },
  ];
  if (!engine.protectedMode) return alerts;
  alerts.push({
    name: `${title}DefaultUserWithoutPassword`,
    severity: 'warning',
    symptom: false,
    expr: `(${openDefaultUser}) and on (job, instance) ${m('security_protected_mode_enabled')} == 1`,
    for: config.for.posture,
    summary: `${title}'s default user has no password; only protected mode keeps remote clients out.`,
    description: '{{ $labels.instance }}: the default user is enabled and has no password (protected mode on).',
    runbook: {
      meaning: `The default user is on with \`nopass\`. Protected mode refuses clients that are not on loopback while that is so, so local processes (every container of a pod, every process on the host) have full access, and one \`CONFIG SET protected-mode no\` or a bind change opens it to the network.`,
      confirm: '`ACL GETUSER default` shows `nopass`; `CONFIG GET protected-mode` says yes.',
      action: passwordAction,
    },
    cases: [
      {
        name: 'protected mode on',
        series: { ...nopass, [s('security_protected_mode_enabled')]: '1x20' },
        at: '20m',
        fires: [{ labels: node, description: 'a:9866: the default user is enabled and has no password (protected mode on).' }],
      },
      {
        name: 'a disabled default user',
        series: { [s('security_default_user_nopass')]: '1x20', [s('security_default_user_enabled')]: '0x20', [s('security_protected_mode_enabled')]: '1x20' },
        at: '20m',
        fires: [],
      },
    ],
  });
  for (const [suffix, metric, setting, command, risk] of [
    [
      'DebugCommandEnabled',
      'security_debug_command_enabled',
      'enable-debug-command',
      'DEBUG',
      'DEBUG can crash the server (DEBUG SEGFAULT), stall it (DEBUG SLEEP) and read internals',
    ],
    [
      'ModuleCommandEnabled',
      'security_module_command_enabled',
      'enable-module-command',
      'MODULE LOAD',
      'MODULE LOAD runs any shared library as the server: code execution for whoever may call it',
    ],
  ] as const) {
    alerts.push({
      name: `${title}${suffix}`,
      severity: 'warning',
      symptom: false,
      expr: `${m(metric)} == 1`,
      for: config.for.posture,
      summary: `${title} allows ${command}.`,
      description: `{{ $labels.instance }}: ${setting} is yes or local.`,
      runbook: {
        meaning: `\`${setting}\` is \`yes\` or \`local\` (\`${ns}_${metric}\`). ${risk}. The default is \`no\`; \`local\` still allows every process on the host or pod.`,
        confirm: `\`CONFIG GET ${setting}\`.`,
        action: `Set \`${setting} no\` in the configuration and restart (it cannot be changed at run time); keep ${command} out of every user's ACL rules too.`,
      },
      cases: [
        { name: 'switched on', series: { [s(metric)]: '1x20' }, at: '20m', fires: [{ labels: node, description: `a:9866: ${setting} is yes or local.` }] },
        { name: 'the default', series: { [s(metric)]: '0x20' }, at: '20m', fires: [] },
      ],
    });
  }
  return alerts;
}
