import type { LogRecord } from '@keepwatch/core/logs';
import { parseMilvusTime } from './access-log.ts';

const levels: Record<string, string> = { debug: 'debug', info: 'info', warn: 'warning', error: 'error', dpanic: 'fatal', panic: 'fatal', fatal: 'fatal' };

/** `[time] [LEVEL] [caller] ["message"] [key=value] [key="quoted value"] …` (log.format: text). */
const textLine = /^\[([^\]]+)\] \[([A-Z]+)\] \[([^\]]*)\] \[("(?:[^"\\]|\\.)*"|[^\]]*)\](.*)$/;
const fieldPattern = /\[([\w.]+)=("(?:[^"\\]|\\.)*"|[^\]]*)\]/g;

/** Milvus logs API keys in clear when one fails verification; they never reach a metric or an event. */
const secretFields = new Set(['api_key', 'apikey', 'token', 'password']);
const redact = (value: string) => value.replace(/(invalid apikey: )\[[^\]]*\]/gi, '$1[redacted]');

const unquote = (text: string) => (text.startsWith('"') ? (JSON.parse(text) as string) : text);

function record(level: string, time: string, caller: string, message: string, fields: [string, string][]): LogRecord {
  const kept = fields.filter(([key]) => !secretFields.has(key.toLowerCase())).map(([key, value]) => `${key}=${redact(value)}`);
  const timestamp = parseMilvusTime(time) ?? (Number.isFinite(Date.parse(time)) ? Date.parse(time) / 1000 : undefined);
  return {
    level: levels[level.toLowerCase()] ?? 'info',
    message: [redact(message), ...kept].join(' '),
    ...(timestamp === undefined ? {} : { timestamp }),
    attributes: { log: 'main', caller },
  };
}

/** A line of Milvus' main log, text or JSON (log.format: json); undefined when it is neither. */
export function parseZapLine(line: string): LogRecord | undefined {
  const text = textLine.exec(line);
  if (text !== null) {
    // A quoted value that is not valid JSON string syntax makes the line malformed, not fatal.
    const [, time = '', level = '', caller = '', message = '', rest = ''] = text;
    try {
      const fields = [...rest.matchAll(fieldPattern)].map((match): [string, string] => [match[1] as string, unquote(match[2] as string)]);
      return record(level, time, caller, unquote(message), fields);
    } catch {
      return undefined;
    }
  }
  if (!line.startsWith('{')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { level, time, caller, message, msg, ...rest } = parsed as Record<string, unknown>;
  if (typeof level !== 'string' || (typeof message !== 'string' && typeof msg !== 'string')) return undefined;
  const fields = Object.entries(rest).map(([key, value]): [string, string] => [key, typeof value === 'string' ? value : JSON.stringify(value)]);
  return record(level, String(time ?? ''), String(caller ?? ''), String(message ?? msg), fields);
}
