export const logLevels = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof logLevels)[number];
export const logFormats = ['logfmt', 'json'] as const;
export type LogFormat = (typeof logFormats)[number];

type Fields = Readonly<Record<string, string | number | boolean | undefined>>;

export interface Logger {
  debug(message: string, fields?: Fields): void;
  info(message: string, fields?: Fields): void;
  warn(message: string, fields?: Fields): void;
  error(message: string, fields?: Fields): void;
  /** Warns the first time a message is seen, then logs it at debug: no log floods from a failing target. */
  warnOnce(message: string, fields?: Fields): void;
  /** The same logger with fields added to every line (the target of a /scrape request, say). */
  child(fields: Fields): Logger;
}

export interface LoggerOptions {
  level: LogLevel;
  format: LogFormat;
  /** Values that must never appear in output; any occurrence is replaced, as a last line of defence. */
  secrets?: readonly string[];
  write?: (line: string) => void;
}

function logfmtValue(value: string): string {
  return /^[\w.:/@+-]+$/.test(value) ? value : JSON.stringify(value);
}

export function createLogger(options: LoggerOptions, base: Fields = {}): Logger {
  const threshold = logLevels.indexOf(options.level);
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const secrets = (options.secrets ?? []).filter((secret) => secret.length > 0);
  const warned = new Set<string>();

  // Each secret as written raw and as JSON and logfmt escape it (a quote or backslash in a password changes its
  // escaped form): values are redacted before formatting, and the finished line once more for the escaped forms.
  const forms = [...new Set(secrets.flatMap((secret) => [secret, JSON.stringify(secret).slice(1, -1)]))].sort((a, b) => b.length - a.length);
  const redact = (text: string): string => {
    let out = text;
    for (const form of forms) out = out.split(form).join('<redacted>');
    return out;
  };

  const emit = (level: LogLevel, message: string, fields: Fields = {}) => {
    if (logLevels.indexOf(level) < threshold) return;
    const record: Record<string, string> = { time: new Date().toISOString(), level, msg: redact(message) };
    for (const [key, value] of Object.entries({ ...base, ...fields })) if (value !== undefined) record[key] = redact(String(value));
    const line =
      options.format === 'json'
        ? JSON.stringify(record)
        : Object.entries(record)
            .map(([key, value]) => `${key}=${logfmtValue(value)}`)
            .join(' ');
    write(redact(line));
  };

  return {
    debug: (message, fields) => emit('debug', message, fields),
    info: (message, fields) => emit('info', message, fields),
    warn: (message, fields) => emit('warn', message, fields),
    error: (message, fields) => emit('error', message, fields),
    warnOnce: (message, fields) => {
      const key = `${message}\0${JSON.stringify(fields ?? {})}`;
      if (warned.has(key)) return emit('debug', message, fields);
      warned.add(key);
      emit('warn', message, fields);
    },
    child: (fields) => createLogger({ ...options, write }, { ...base, ...fields }),
  };
}
