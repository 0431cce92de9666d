/**
 * Every error a user can see, by code. Messages are one line, say what and where, and never carry a
 * secret. The table feeds the Errors section of each exporter's README; a test checks both directions.
 */
export const errorCatalogue = {
  KW_ERR_FLAG:
    'A command-line flag or its environment variable has a value the exporter cannot use. Fix the value named in the message; `--help` lists every flag.',
  KW_ERR_FILE: 'A file named by a flag (password, TLS, web config) cannot be read. Check the path and that the exporter user may read it.',
  KW_ERR_WEB_CONFIG:
    'The web config file (`--web.config.file`) is malformed or invalid. The message names the key; the schema is the Prometheus exporter-toolkit one.',
  KW_ERR_TARGETS_FILE:
    'The targets file (`--scrape.config-file`, on the exporters that serve `/scrape`) that turns on `/scrape` is malformed or invalid: the message names the entry and key. It lists every target `/scrape` may scrape, each with its auth profile.',
  KW_ERR_LISTEN: 'The HTTP listener could not start, for example because the port is taken. Choose another `--web.listen-address`.',
  KW_ERR_TARGET_UNREACHABLE:
    'The database did not accept a connection (refused, DNS failure, TLS failure). Check the address flag and that the server is running; `_up` is 0 meanwhile.',
  KW_ERR_TARGET_AUTH: "The database rejected the exporter's credentials. Check the user and password file; `_up` is 0 meanwhile.",
  KW_ERR_TARGET_TIMEOUT: 'The database accepted the connection but did not answer within the scrape deadline. `_up` is 0 for that scrape.',
  KW_ERR_TARGET_ENGINE:
    'The target is another engine than this exporter serves (the address reaches a server of another kind). `_up` is 0; point the exporter at the right server or use the right exporter.',
  KW_ERR_SCRAPE_TIMEOUT_HEADER: 'A scraper sent an X-Prometheus-Scrape-Timeout-Seconds header that is not a number; the scrape answers HTTP 400.',
  KW_ERR_INTERNAL: 'A bug in the exporter. Please report it with the log line.',
} as const;

export type ErrorCode = keyof typeof errorCatalogue;

export class KeepwatchError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.code = code;
    this.name = 'KeepwatchError';
  }

  /** The one line a user sees. */
  toLine(): string {
    return `${this.code}: ${this.message}`;
  }
}

/** Any thrown value as one line: a KeepwatchError with its code, an Error by its message. */
export function errorText(error: unknown): string {
  if (error instanceof KeepwatchError) return error.toLine();
  return error instanceof Error ? error.message : String(error);
}
