import crypto from 'node:crypto';
import { appendFileSync, chmodSync, renameSync, statSync } from 'node:fs';
import type { ClassifiedEvent, LogRecord } from './classifier.ts';

export type PersonalDataPolicy = 'keep' | 'hash' | 'drop';
export const personalDataPolicies: readonly PersonalDataPolicy[] = ['keep', 'hash', 'drop'];

/** Fields that identify a person or a machine; kept, hashed or dropped per --log.events-personal-data. */
const personalFields = new Set(['client', 'user', 'address']);

export interface EventWriter {
  write(engine: string, record: LogRecord, event: ClassifiedEvent): void;
}

export interface EventWriterOptions {
  /** `-` for stdout, else a file path. */
  readonly output: string;
  readonly policy: PersonalDataPolicy;
  /**
   * The HMAC key of `hash` (--log.events-hash-key-file): the same key gives the same pseudonym across
   * restarts and exporters. Without it a random key per process: pseudonyms correlate within one run only.
   */
  readonly hashKey?: string;
  /** The file is renamed to `<file>.1` (replacing the previous one) before it would grow past this. */
  readonly maxBytes?: number;
  /** Tests: where lines go instead of the output. */
  readonly write?: (line: string) => void;
  /** The server the log belongs to (the exporter's target, as displayed), so a shipped event names its source. */
  readonly instance?: string;
  /** Static labels for every event (--log.events-labels), e.g. the cluster and namespace. */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * Structured events, one JSON object per line, for Vector, Fluent Bit or Filebeat to ship: `-` writes to
 * stdout, anything else appends to that file, which only the exporter's user may read (it holds client
 * addresses and user names) and which is rotated by size. Personal data is kept, dropped or replaced by a
 * keyed HMAC: a plain hash of an IPv4 address or a user name is reversed by trying them all.
 */
export function createEventWriter(options: EventWriterOptions): EventWriter {
  const { output, policy } = options;
  const key = options.hashKey ?? crypto.randomBytes(32);
  const pseudonym = (value: string) => `hmac:${crypto.createHmac('sha256', key).update(value).digest('hex').slice(0, 16)}`;
  const sink = options.write ?? (output === '-' ? (line: string) => process.stdout.write(`${line}\n`) : fileSink(output, options.maxBytes ?? defaultMaxBytes));
  return {
    write(engine, record, event) {
      const fields: Record<string, string> = {};
      let message = record.message;
      for (const [name, value] of Object.entries(event.fields)) {
        if (!personalFields.has(name) || policy === 'keep' || value === '') {
          fields[name] = value;
          continue;
        }
        // The message carries the same value: it gets the same treatment as the field.
        const replacement = policy === 'hash' ? pseudonym(value) : '<dropped>';
        if (policy === 'hash') fields[name] = replacement;
        message = message.split(value).join(replacement);
      }
      sink(
        JSON.stringify({
          timestamp: new Date((record.timestamp ?? Date.now() / 1000) * 1000).toISOString(),
          engine,
          ...(options.instance === undefined ? {} : { instance: options.instance }),
          ...(options.labels === undefined || Object.keys(options.labels).length === 0 ? {} : { labels: options.labels }),
          level: record.level,
          event: event.rule.event,
          severity: event.rule.severity,
          message,
          fields,
        }),
      );
    },
  };
}

export const defaultMaxBytes = 64 * 2 ** 20;

/** Appends lines to a file created 0600 (an existing one is narrowed to 0600), renamed to `.1` at `maxBytes`. */
function fileSink(path: string, maxBytes: number): (line: string) => void {
  let size = 0;
  try {
    size = statSync(path).size;
    chmodSync(path, 0o600);
  } catch {
    // Not there yet: created 0600 by the first write.
  }
  return (line) => {
    const bytes = Buffer.byteLength(line) + 1;
    if (size > 0 && size + bytes > maxBytes) {
      renameSync(path, `${path}.1`);
      size = 0;
    }
    appendFileSync(path, `${line}\n`, { mode: 0o600 });
    size += bytes;
  };
}
