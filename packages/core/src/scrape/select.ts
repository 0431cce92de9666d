import { KeepwatchError } from '../errors.ts';
import type { Collector } from './collector.ts';

/**
 * Resolves --[no-]collector.<name> and --collector.disable-defaults against the registry. Names must be
 * unique: a duplicate in the registry is a programming error caught at start-up.
 */
export function selectCollectors<C extends Collector<unknown, unknown>>(
  registry: readonly C[],
  choices: Readonly<Record<string, boolean | undefined>>,
  disableDefaults: boolean,
): C[] {
  const names = new Set<string>();
  for (const collector of registry) {
    if (names.has(collector.name)) throw new KeepwatchError('KW_ERR_INTERNAL', `collector ${collector.name} registered twice`);
    names.add(collector.name);
  }
  return registry.filter((collector) => choices[collector.name] ?? (disableDefaults ? false : collector.defaultEnabled));
}
