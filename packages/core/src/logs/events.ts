import crypto from 'node:crypto';
import { appendFileSync } from 'node:fs';
import type { ClassifiedEvent, LogRecord } from './classifier.ts';

export type PersonalDataPolicy = 'keep' | 'hash' | 'drop';
export const personalDataPolicies: readonly PersonalDataPolicy[] = ['keep', 'hash', 'drop'];

/** Fields that identify a person or a machine; kept, hashed or dropped per --log.events-personal-data. */
const personalFields = new Set(['client', 'user', 'address']);

export interface EventWriter {
  write(engine: string, record: LogRecord, event: ClassifiedEvent): void;
}

/**
 * Structured events, one JSON object per line, for Vector, Fluent Bit or Filebeat to ship: `-` writes to
 * stdout, anything else appends to that file.
 */
export function createEventWriter(output: string, policy: PersonalDataPolicy, write?: (line: string) => void): EventWriter {
  const sink = write ?? (output === '-' ? (line: string) => process.stdout.write(`${line}\n`) : (line: string) => appendFileSync(output, `${line}\n`));
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
        const replacement = policy === 'hash' ? `sha256:${crypto.createHash('sha256').update(value).digest('hex').slice(0, 16)}` : '<dropped>';
        if (policy === 'hash') fields[name] = replacement;
        message = message.split(value).join(replacement);
      }
      sink(
        JSON.stringify({
          timestamp: new Date((record.timestamp ?? Date.now() / 1000) * 1000).toISOString(),
          engine,
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
