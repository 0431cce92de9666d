import { gauge } from '@keepwatch/core/metrics';
import type { CommandSpec, RespCollector } from '../snapshot.ts';
import { flatPairs } from './replies.ts';

const metrics = {
  configUnreadable: gauge(
    'security_config_unreadable',
    'Whether CONFIG GET was refused (CONFIG renamed or denied): 1 means protected mode, DEBUG and MODULE posture are unknown; --valkey.config-command names a renamed CONFIG.',
  ),
  nopass: gauge('security_default_user_nopass', 'Whether the default user accepts any password (ACL flag nopass): 1 yes, 0 no.'),
  enabled: gauge('security_default_user_enabled', 'Whether the default user is enabled (ACL flag on): 1 yes, 0 no.'),
  requirepass: gauge('security_requirepass_set', 'Whether the default user has a password (requirepass set); the value itself is never read.'),
};

/** Posture settings read with CONFIG GET where the server has them; a value of `no` is 0, anything else 1. */
export const configPosture = {
  'protected-mode': gauge('security_protected_mode_enabled', 'Whether protected mode is on (CONFIG protected-mode): 1 yes, 0 no.'),
  'enable-debug-command': gauge('security_debug_command_enabled', 'Whether DEBUG may be used (CONFIG enable-debug-command is yes or local): 1 yes, 0 no.'),
  'enable-module-command': gauge(
    'security_module_command_enabled',
    'Whether MODULE LOAD may be used (CONFIG enable-module-command is yes or local): 1 yes, 0 no.',
  ),
} as const;

/** The password hashes of ACL GETUSER: an array on Valkey and Redis, one space-separated string on Dragonfly. */
function hasPassword(passwords: unknown): boolean {
  return Array.isArray(passwords) ? passwords.length > 0 : String(passwords ?? '').trim() !== '';
}

/**
 * Security posture. Reads only non-secret CONFIG keys and the default user's flags; the password count
 * comes from ACL GETUSER (hashes, never looked at), so no secret is ever read into the exporter.
 */
export function postureCollector(options: {
  config: readonly (keyof typeof configPosture)[];
  configCommand?: string;
  /** One CONFIG GET shared with other collectors (its key and argv identical in each, so it is sent once): it must ask for `config`. */
  configGet?: CommandSpec;
}): RespCollector {
  const config = options.config.map((key) => [key, configPosture[key]] as const);
  const configGet = options.configGet ?? { key: 'config-posture', argv: [options.configCommand ?? 'CONFIG', 'GET', ...options.config] };
  return {
    name: 'posture',
    help: `Security posture: default user without password or disabled, requirepass set${config.length > 0 ? ', protected mode, DEBUG/MODULE enabled' : ''}.`,
    defaultEnabled: true,
    metrics: [...Object.values(metrics).filter((metric) => config.length > 0 || metric !== metrics.configUnreadable), ...config.map(([, metric]) => metric)],
    commands: () => [...(config.length > 0 ? [configGet] : []), { key: 'acl-getuser-default', argv: ['ACL', 'GETUSER', 'default'] }],
    collect(snapshot, sink) {
      const user = flatPairs(snapshot.reply('acl-getuser-default'));
      const flags = (user.get('flags') as string[] | undefined) ?? [];
      sink.emit(metrics.nopass, flags.includes('nopass') ? 1 : 0);
      sink.emit(metrics.enabled, flags.includes('on') ? 1 : 0);
      sink.emit(metrics.requirepass, hasPassword(user.get('passwords')) ? 1 : 0);
      if (config.length === 0) return;
      // Hardened servers rename or block CONFIG (rename-command CONFIG ""): the rest of the posture still
      // counts, and what is unknown is said once as a metric rather than failing the collector every scrape.
      let values: Map<string, unknown>;
      try {
        values = flatPairs(snapshot.reply(configGet.key));
      } catch {
        sink.emit(metrics.configUnreadable, 1);
        return;
      }
      sink.emit(metrics.configUnreadable, 0);
      for (const [key, metric] of config) if (values.has(key)) sink.emit(metric, values.get(key) === 'no' ? 0 : 1);
    },
  };
}
