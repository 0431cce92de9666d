import { type AlertSpec, eventsWithin } from '../../alert.ts';
import { node, type RespAlertContext } from './context.ts';

/** Brute force, ACL denials and dangerous commands. */
export function securityAlerts(context: RespAlertContext): AlertSpec[] {
  const { title, m, s, w } = context;
  return [
    context.engine.failedLogins === 'acl_log' ? authBurstFromAclLog(context) : authBurst(context),
    {
      name: `${title}AclDenials`,
      severity: 'warning',
      symptom: true,
      expr: `sum without (context, reason) ${eventsWithin(m('acl_log_events_total', 'reason!="auth"'), w.burst)} > 0`,
      for: '0m',
      summary: `${title} denied commands, keys or channels to a user.`,
      description: `{{ $labels.instance }}: user {{ $labels.user }} was denied {{ $value | printf "%.0f" }} times in ${w.burst} by ACL rules.`,
      runbook: {
        meaning:
          'An authenticated user ran something its ACL rules do not allow (a command, a key pattern, a channel), from ACL LOG. Either the application changed, or the account is used for something it should not do.',
        confirm: '`ACL LOG 20` on the server shows the command or key, the client address and the user.',
        action: 'An application change: extend its ACL rules deliberately. Otherwise treat the credentials as compromised: rotate them and find the client.',
      },
      cases: [
        {
          name: 'two denials of app',
          series: {
            [s('acl_log_events_total', { ...node, reason: 'command', context: 'toplevel', user: 'app' })]: '0x4 1 2x5',
            [s('acl_log_events_total', { ...node, reason: 'auth', context: 'toplevel', user: 'app' })]: '0x4 3 9x5',
          },
          at: '6m',
          fires: [{ labels: { ...node, user: 'app' }, description: `a:9866: user app was denied 2 times in ${w.burst} by ACL rules.` }],
        },
        {
          name: 'the first denial of a user (the exporter creates the series with it)',
          series: { [s('acl_log_events_total', { ...node, reason: 'key', context: 'toplevel', user: 'bob' })]: '_x4 1x4' },
          at: '6m',
          fires: [{ labels: { ...node, user: 'bob' }, description: `a:9866: user bob was denied 1 times in ${w.burst} by ACL rules.` }],
        },
        {
          name: 'failed logins alone are not ACL denials',
          series: { [s('acl_log_events_total', { ...node, reason: 'auth', context: 'toplevel', user: 'app' })]: '0x4 3 9x5' },
          at: '6m',
          fires: [],
        },
      ],
    },
    {
      name: `${title}DangerousCommandUsed`,
      severity: 'warning',
      symptom: true,
      expr: `increase(${m('dangerous_commands_total')}[${w.burst}]) > 0`,
      for: '0m',
      summary: `A dangerous command ran on ${title}.`,
      description: `{{ $labels.instance }}: {{ $labels.cmd }} ran {{ $value | printf "%.0f" }} times in ${w.burst}.`,
      runbook: {
        meaning:
          "A command from the exporter's dangerous-command list (FLUSHALL, FLUSHDB, CONFIG SET, DEBUG, KEYS, SHUTDOWN, ACL SETUSER, MODULE LOAD, REPLICAOF, FAILOVER, ...) succeeded. Administrators run these; applications and attackers should not.",
        confirm:
          '`ACL LOG` does not record successful commands; find who ran it from the client list (`CLIENT LIST`), the server log (shutdown, replicaof) and your change records.',
        action:
          'Expected maintenance: acknowledge. Otherwise remove the command from every application user (`-@dangerous`, `-flushall`), rotate credentials, and check the data.',
      },
      cases: [
        {
          name: 'one FLUSHALL',
          series: { [s('dangerous_commands_total', { ...node, cmd: 'flushall' })]: '0x4 1x5' },
          at: '6m',
          fires: [{ labels: { ...node, cmd: 'flushall' }, description: `a:9866: flushall ran 1 times in ${w.burst}.` }],
        },
        {
          name: 'history before the exporter started is not new use',
          series: { [s('dangerous_commands_total', { ...node, cmd: 'flushall' })]: '7x10' },
          at: '6m',
          fires: [],
        },
      ],
    },
  ];
}

const bruteForceAction =
  'An unknown address: block it (firewall, NetworkPolicy), make sure the port is not exposed, rotate the password if it may have leaked. A known application: fix its secret.';

/** Failed AUTH/HELLO from the server's own counter (Valkey, Redis). */
function authBurst({ config, ns, title, m, s, t, w }: RespAlertContext): AlertSpec {
  return {
    name: `${title}AuthFailureBurst`,
    severity: 'warning',
    symptom: true,
    expr: `increase(${m('auth_failures_total')}[${w.burst}]) > ${t.authFailures}`,
    for: config.for.burst,
    summary: `${title} is rejecting many authentication attempts.`,
    description: `{{ $labels.instance }} rejected {{ $value | printf "%.0f" }} authentication attempts in ${w.burst}: a password guessing attempt, or a client with a stale password.`,
    runbook: {
      meaning: `More than ${t.authFailures} failed AUTH/HELLO attempts in ${w.burst} (\`${ns}_auth_failures_total\`). A brute-force attempt looks like this; so does an application deployed with an old password.`,
      confirm: `\`ACL LOG\` on the server lists the failing user names and client addresses (the exporter counts them as \`${ns}_acl_log_events_total{reason="auth"}\`); the log events \`client\` fields show the same with --log.events-output.`,
      action: bruteForceAction,
    },
    cases: [
      {
        name: 'a brute force of 5 attempts a minute',
        series: { [s('auth_failures_total')]: '0x4 5+5x10' },
        at: '10m',
        fires: [
          {
            labels: node,
            description: `a:9866 rejected 25 authentication attempts in ${w.burst}: a password guessing attempt, or a client with a stale password.`,
          },
        ],
      },
      { name: 'a counter reset (server restart) is not a burst', series: { [s('auth_failures_total')]: '500x5 0 1+1x8' }, at: '14m', fires: [] },
      { name: 'a few typos', series: { [s('auth_failures_total')]: '0+1x14' }, at: '14m', fires: [] },
    ],
  };
}

/** Failed AUTH from ACL LOG, for a server whose auth counter also counts commands sent before AUTH (Dragonfly). */
function authBurstFromAclLog({ config, ns, title, m, s, t, w }: RespAlertContext): AlertSpec {
  const failedAuth = (user: string) => s('acl_log_events_total', { ...node, reason: 'auth', context: 'toplevel', user });
  return {
    name: `${title}AuthFailureBurst`,
    severity: 'warning',
    symptom: true,
    expr: `sum without (context, reason, user) ${eventsWithin(m('acl_log_events_total', 'reason="auth"'), w.burst)} > ${t.authFailures}`,
    for: config.for.burst,
    summary: `${title} is rejecting many authentication attempts.`,
    description: `{{ $labels.instance }} rejected {{ $value | printf "%.0f" }} AUTH attempts in ${w.burst}: a password guessing attempt, or a client with a stale password.`,
    runbook: {
      meaning: `More than ${t.authFailures} failed AUTH commands in ${w.burst}, from ACL LOG (\`${ns}_acl_log_events_total{reason="auth"}\`). ${title}'s own counter (\`${ns}_auth_failures_total\`, the \`no_auth\` error kind from 1.37) also counts every command a client sends before authenticating, so a client deployed without a password would look like a brute force there; this alert does not count those. A failed \`HELLO ... AUTH\` is not in ACL LOG and not counted here either.`,
      confirm: `\`ACL LOG\` on the server lists the user names and client addresses; \`${ns}_errors_total{err="no_auth"}\` rising without this alert is clients sending commands without credentials.`,
      action: bruteForceAction,
    },
    cases: [
      {
        name: 'a brute force against two users',
        series: { [failedAuth('default')]: '0x4 4+4x10', [failedAuth('admin')]: '0x4 1+1x10' },
        at: '10m',
        fires: [
          {
            labels: node,
            description: `a:9866 rejected 25 AUTH attempts in ${w.burst}: a password guessing attempt, or a client with a stale password.`,
          },
        ],
      },
      {
        name: 'a client without a password sending commands (NOAUTH, counted by no_auth) is not a brute force',
        series: {
          [s('auth_failures_total')]: '0+50x14',
          [s('errors_total', { ...node, err: 'no_auth' })]: '0+50x14',
          [failedAuth('default')]: '0x14',
        },
        at: '14m',
        fires: [],
      },
      { name: 'a few typos', series: { [failedAuth('app')]: '_x4 1+1x9' }, at: '14m', fires: [] },
    ],
  };
}
