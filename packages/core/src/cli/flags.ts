import { Command, CommanderError, Option } from 'commander';
import { KeepwatchError } from '../errors.ts';

export type FlagValue = string | number | boolean | readonly string[] | undefined;

export interface FlagSpec {
  /** Without dashes: `<engine>.addr`, `collector.<name>`. */
  readonly name: string;
  readonly help: string;
  readonly kind: 'string' | 'number' | 'boolean' | 'list';
  readonly default?: Exclude<FlagValue, undefined>;
  /** For enumerated string flags. */
  readonly choices?: readonly string[];
  /** Marks flags that take a file whose content is secret; documented as such. */
  readonly secretFile?: boolean;
  /** Every number flag has one: values outside it (1e308 seconds, a concurrency of 0.5) are one KW_ERR_FLAG line. */
  readonly range?: NumberRange;
  /** Another program's environment variables with the same meaning, read in order when the flag's own is unset. */
  readonly envAliases?: readonly string[];
}

export interface NumberRange {
  readonly min: number;
  readonly max: number;
  readonly integer?: boolean;
  /** Named in errors and docs: `seconds`. */
  readonly unit?: string;
}

/** The range of every flag that caps distinct label values. */
export const labelCapRange: NumberRange = { min: 1, max: 100_000, integer: true };

/** `1 to 64`, `0.1 to 3600 seconds`, `a whole number from 1 to 64`. */
export function describeRange(range: NumberRange): string {
  const span = `${range.min} to ${range.max}${range.unit === undefined ? '' : ` ${range.unit}`}`;
  return range.integer === true ? `a whole number from ${span}` : span;
}

/**
 * `<engine>.x` flags map to `<ENGINE>_X`, every other flag to `<ENGINE>_EXPORTER_<FLAG>`; non-alphanumerics
 * become `_`. One rule, so users can guess any variable and the docs table is generated from it.
 */
export function envVarFor(engine: string, flag: string): string {
  const upper = (text: string) => text.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
  return flag.startsWith(`${engine}.`) ? upper(flag) : `${upper(engine)}_EXPORTER_${upper(flag)}`;
}

/**
 * The flag table parsed once, frozen, read through typed accessors: each read names a flag of the table and
 * the kind it was declared with (a mistake is a KW_ERR_INTERNAL at startup, which every test that starts an
 * exporter hits), so no use site casts a value.
 */
export class ParsedFlags {
  readonly #values: ReadonlyMap<string, FlagValue>;
  readonly #specs: ReadonlyMap<string, FlagSpec>;

  constructor(specs: readonly FlagSpec[], values: ReadonlyMap<string, FlagValue>) {
    this.#values = values;
    this.#specs = new Map(specs.map((spec) => [spec.name, spec]));
    Object.freeze(this);
  }

  /** Whether the table has the flag (a flag some exporters leave out, like --scrape.config-file). */
  declares(name: string): boolean {
    return this.#specs.has(name);
  }

  /** A string flag that has a default (or must have been given). */
  string(name: string): string {
    const value = this.#read(name, 'string');
    if (typeof value !== 'string') throw new KeepwatchError('KW_ERR_INTERNAL', `--${name} has no value and no default`);
    return value;
  }

  /** A string flag without a default: undefined when not given. */
  optionalString(name: string): string | undefined {
    const value = this.#read(name, 'string');
    return typeof value === 'string' ? value : undefined;
  }

  /** A string flag declared with `choices`, as the caller's union of them. */
  choice<T extends string>(name: string, choices: readonly T[]): T {
    const value = this.string(name);
    const chosen = choices.find((choice) => choice === value);
    if (chosen === undefined) throw new KeepwatchError('KW_ERR_INTERNAL', `--${name} ${JSON.stringify(value)} is not one of ${choices.join(', ')}`);
    return chosen;
  }

  number(name: string): number {
    const value = this.#read(name, 'number');
    if (typeof value !== 'number') throw new KeepwatchError('KW_ERR_INTERNAL', `--${name} has no value and no default`);
    return value;
  }

  /** A boolean flag as chosen, else its default. */
  boolean(name: string): boolean {
    return this.explicitBoolean(name) ?? this.#specs.get(name)?.default === true;
  }

  /** A boolean flag as the user gave it: undefined when neither the command line nor the environment chose. */
  explicitBoolean(name: string): boolean | undefined {
    const value = this.#read(name, 'boolean');
    return typeof value === 'boolean' ? value : undefined;
  }

  list(name: string): readonly string[] {
    const value = this.#read(name, 'list');
    return Array.isArray(value) ? value : [];
  }

  #read(name: string, kind: FlagSpec['kind']): FlagValue {
    const declared = this.#specs.get(name)?.kind;
    if (declared !== kind) {
      throw new KeepwatchError(
        'KW_ERR_INTERNAL',
        `--${name} is read as a ${kind} flag but ${declared === undefined ? 'is not in the flag table' : `is a ${declared}`}`,
      );
    }
    return this.#values.get(name);
  }
}

export interface ParseResult {
  readonly flags?: ParsedFlags;
  /** Text to print on stdout instead of running (help or version). */
  readonly output?: string;
}

const truthy = new Set(['1', 'true', 'yes', 'on']);
const falsy = new Set(['0', 'false', 'no', 'off']);

/**
 * Parses argv and the environment against the flag table. The command line wins over the environment,
 * the environment over defaults. Any problem is one KeepwatchError naming the flag or variable.
 */
export function parseFlags(
  specs: readonly FlagSpec[],
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  program: { engine: string; name: string; description: string; version: string },
): ParseResult {
  let output = '';
  const command = new Command(program.name)
    .description(program.description)
    .version(program.version, '--version', 'Print the version and exit.')
    .helpOption('-h, --help', 'Show this help and exit.')
    .exitOverride()
    .allowExcessArguments(false)
    .configureOutput({ writeOut: (text) => (output += text), writeErr: () => {}, outputError: () => {} });

  for (const spec of specs) {
    const help = `${spec.help} [env ${[envVarFor(program.engine, spec.name), ...(spec.envAliases ?? [])].join(' or ')}]`;
    if (spec.kind === 'boolean') {
      command.addOption(new Option(`--${spec.name}`, `${help}${spec.default === true ? ' (default)' : ''}`));
      command.addOption(new Option(`--no-${spec.name}`, `Negates --${spec.name}.`).hideHelp());
      continue;
    }
    const option = new Option(`--${spec.name} <${spec.kind === 'list' ? 'a,b,...' : spec.kind === 'number' ? 'number' : 'value'}>`, help);
    if (spec.choices !== undefined) option.choices(spec.choices);
    if (spec.default !== undefined) option.default(spec.kind === 'list' ? (spec.default as readonly string[]).join(',') : spec.default);
    command.addOption(option);
  }

  try {
    command.parse([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError && (error.code === 'commander.helpDisplayed' || error.code === 'commander.version')) {
      return { output: output === '' ? `${program.version}\n` : output };
    }
    if (error instanceof CommanderError) {
      throw new KeepwatchError('KW_ERR_FLAG', error.message.replace(/^error: /, ''));
    }
    throw error;
  }

  const values = new Map<string, FlagValue>();
  for (const spec of specs) {
    const key = command.options.find((option) => option.long === `--${spec.name}`)?.attributeName() ?? spec.name;
    const fromCli = command.getOptionValueSource(key) === 'cli';
    const envNames = [envVarFor(program.engine, spec.name), ...(spec.envAliases ?? [])];
    const envName = envNames.find((name) => env[name] !== undefined) ?? (envNames[0] as string);
    const envValue = fromCli ? undefined : env[envName];
    const where = envValue === undefined ? `--${spec.name}` : envName;
    const raw = envValue ?? (command.getOptionValue(key) as unknown);
    if (spec.kind === 'boolean') {
      // Left undefined when not given, so callers can tell an explicit choice from the default.
      let value = raw as boolean | undefined;
      if (envValue !== undefined) {
        const text = envValue.toLowerCase();
        if (!truthy.has(text) && !falsy.has(text))
          throw new KeepwatchError('KW_ERR_FLAG', `${envName}=${JSON.stringify(envValue)} is not a boolean (use true or false)`);
        value = truthy.has(text);
      }
      values.set(spec.name, value);
    } else if (raw === undefined) {
      values.set(spec.name, undefined);
    } else if (spec.kind === 'number') {
      const number = Number(raw);
      if (!Number.isFinite(number) || String(raw).trim() === '')
        throw new KeepwatchError('KW_ERR_FLAG', `${where} ${JSON.stringify(String(raw))} is not a number`);
      const range = spec.range;
      if (range === undefined) throw new KeepwatchError('KW_ERR_INTERNAL', `--${spec.name} is a number flag without a range`);
      if (number < range.min || number > range.max || (range.integer === true && !Number.isInteger(number)))
        throw new KeepwatchError('KW_ERR_FLAG', `${where} ${JSON.stringify(String(raw))} is out of range: ${describeRange(range)}`);
      values.set(spec.name, number);
    } else if (spec.kind === 'list') {
      const items = String(raw)
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
      values.set(spec.name, items);
    } else {
      if (spec.choices !== undefined && !spec.choices.includes(String(raw))) {
        throw new KeepwatchError('KW_ERR_FLAG', `${where} ${JSON.stringify(String(raw))} is not one of ${spec.choices.join(', ')}`);
      }
      values.set(spec.name, String(raw));
    }
  }
  return { flags: new ParsedFlags(specs, values) };
}
