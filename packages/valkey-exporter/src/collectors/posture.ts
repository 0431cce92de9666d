import type { ValkeyCollector } from '../snapshot.ts';

/** RESP2 flat [k1, v1, k2, v2, ...] arrays (CONFIG GET, ACL GETUSER) as a map. */
function pairs(reply: unknown): Map<string, unknown> {
  const list = reply as unknown[];
  const map = new Map<string, unknown>();
  for (let i = 0; i + 1 < list.length; i += 2) map.set(String(list[i]), list[i + 1]);
  return map;
}

const help = {
  nopass: 'Whether the default user accepts any password (ACL flag nopass): 1 yes, 0 no.',
  enabled: 'Whether the default user is enabled (ACL flag on): 1 yes, 0 no.',
  requirepass: 'Whether the default user has a password (requirepass set); the value itself is never read.',
  protected: 'Whether protected mode is on (CONFIG protected-mode): 1 yes, 0 no.',
  debug: 'Whether DEBUG may be used (CONFIG enable-debug-command is yes or local): 1 yes, 0 no.',
  module: 'Whether MODULE LOAD may be used (CONFIG enable-module-command is yes or local): 1 yes, 0 no.',
} as const;

/**
 * Security posture. Reads only non-secret CONFIG keys and the default user's flags; the password count
 * comes from ACL GETUSER (hashes, never looked at), so no secret is ever read into the exporter.
 */
export const postureCollector: ValkeyCollector = {
  name: 'posture',
  help: 'Security posture: default user without password, protected mode, requirepass set, DEBUG/MODULE enabled.',
  defaultEnabled: true,
  commands: () => [
    { key: 'config-posture', argv: ['CONFIG', 'GET', 'protected-mode', 'enable-debug-command', 'enable-module-command'] },
    { key: 'acl-getuser-default', argv: ['ACL', 'GETUSER', 'default'] },
  ],
  collect(snapshot, sink) {
    const user = pairs(snapshot.reply('acl-getuser-default'));
    const flags = (user.get('flags') as string[] | undefined) ?? [];
    const passwords = (user.get('passwords') as unknown[] | undefined) ?? [];
    sink.gauge('security_default_user_nopass', help.nopass, flags.includes('nopass') ? 1 : 0);
    sink.gauge('security_default_user_enabled', help.enabled, flags.includes('on') ? 1 : 0);
    sink.gauge('security_requirepass_set', help.requirepass, passwords.length > 0 ? 1 : 0);
    const config = pairs(snapshot.reply('config-posture'));
    const enabled = (key: string) => (config.has(key) ? (config.get(key) === 'no' ? 0 : 1) : undefined);
    const gauges: [string, string, number | undefined][] = [
      ['security_protected_mode_enabled', help.protected, enabled('protected-mode')],
      ['security_debug_command_enabled', help.debug, enabled('enable-debug-command')],
      ['security_module_command_enabled', help.module, enabled('enable-module-command')],
    ];
    for (const [name, text, value] of gauges) if (value !== undefined) sink.gauge(name, text, value);
  },
};
