import { gauge } from '@keepwatch/core/metrics';
import type { ValkeyCollector } from '../snapshot.ts';

/** RESP2 flat [k1, v1, k2, v2, ...] arrays (CONFIG GET, ACL GETUSER) as a map. */
function pairs(reply: unknown): Map<string, unknown> {
  const list = reply as unknown[];
  const map = new Map<string, unknown>();
  for (let i = 0; i + 1 < list.length; i += 2) map.set(String(list[i]), list[i + 1]);
  return map;
}

const metrics = {
  nopass: gauge('security_default_user_nopass', 'Whether the default user accepts any password (ACL flag nopass): 1 yes, 0 no.'),
  enabled: gauge('security_default_user_enabled', 'Whether the default user is enabled (ACL flag on): 1 yes, 0 no.'),
  requirepass: gauge('security_requirepass_set', 'Whether the default user has a password (requirepass set); the value itself is never read.'),
  protected: gauge('security_protected_mode_enabled', 'Whether protected mode is on (CONFIG protected-mode): 1 yes, 0 no.'),
  debug: gauge('security_debug_command_enabled', 'Whether DEBUG may be used (CONFIG enable-debug-command is yes or local): 1 yes, 0 no.'),
  module: gauge('security_module_command_enabled', 'Whether MODULE LOAD may be used (CONFIG enable-module-command is yes or local): 1 yes, 0 no.'),
};

/**
 * Security posture. Reads only non-secret CONFIG keys and the default user's flags; the password count
 * comes from ACL GETUSER (hashes, never looked at), so no secret is ever read into the exporter.
 */
export const postureCollector: ValkeyCollector = {
  name: 'posture',
  help: 'Security posture: default user without password, protected mode, requirepass set, DEBUG/MODULE enabled.',
  defaultEnabled: true,
  metrics: Object.values(metrics),
  commands: () => [
    { key: 'config-posture', argv: ['CONFIG', 'GET', 'protected-mode', 'enable-debug-command', 'enable-module-command'] },
    { key: 'acl-getuser-default', argv: ['ACL', 'GETUSER', 'default'] },
  ],
  collect(snapshot, sink) {
    const user = pairs(snapshot.reply('acl-getuser-default'));
    const flags = (user.get('flags') as string[] | undefined) ?? [];
    const passwords = (user.get('passwords') as unknown[] | undefined) ?? [];
    sink.emit(metrics.nopass, flags.includes('nopass') ? 1 : 0);
    sink.emit(metrics.enabled, flags.includes('on') ? 1 : 0);
    sink.emit(metrics.requirepass, passwords.length > 0 ? 1 : 0);
    const config = pairs(snapshot.reply('config-posture'));
    const settings = [
      [metrics.protected, 'protected-mode'],
      [metrics.debug, 'enable-debug-command'],
      [metrics.module, 'enable-module-command'],
    ] as const;
    for (const [metric, key] of settings) if (config.has(key)) sink.emit(metric, config.get(key) === 'no' ? 0 : 1);
  },
};
