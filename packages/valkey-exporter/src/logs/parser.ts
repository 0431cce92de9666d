import type { LogParser, LogRecord } from '@keepwatch/core/logs';

/** Legacy level characters: `.` debug, `-` verbose, `*` notice, `#` warning. */
const legacyLevels: Record<string, string> = { '.': 'debug', '-': 'info', '*': 'notice', '#': 'warning' };
const roles: Record<string, string> = { M: 'primary', S: 'replica', C: 'child', X: 'sentinel' };

const legacy = /^(\d+):([MSCX]) (\d{1,2} \w{3} \d{4} \d{2}:\d{2}:\d{2}(?:\.\d+)?) ([.\-*#]) (.*)$/;
const signalHandler = /^(\d+):signal-handler \((\d+)\) (.*)$/;
const crashReport = /^(?:={3} .*(?:BUG REPORT|ASSERTION FAILED).*)$/;
const logfmtField = /(\w+)=("(?:[^"\\]|\\.)*"|\S*)/g;

function timestamp(text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  const ms = /^\d{13}$/.test(text) ? Number(text) : Date.parse(text);
  return Number.isFinite(ms) ? ms / 1000 : undefined;
}

/** logfmt (8.1) and JSON (9.1) say "info" for verbose and spell the rest out. */
function namedLevel(level: string | undefined): string {
  return level === 'warning' || level === 'notice' || level === 'debug' ? level : 'info';
}

function record(level: string, message: string, time: number | undefined, attributes: Record<string, string>): LogRecord {
  return time === undefined ? { level, message, attributes } : { level, message, timestamp: time, attributes };
}

/**
 * Valkey and Redis log lines: the legacy format (`pid:role date level message`, both servers),
 * signal-handler lines, Valkey 8.1's `log-format logfmt` and 9.1's `log-format json`, and the header lines
 * of crash reports. Anything else (the ASCII logo, report bodies, garbage) is not a record.
 */
export const parseValkeyLogLine: LogParser = (line) => {
  let match = legacy.exec(line);
  if (match !== null) {
    const [, pid = '', role = '', date = '', level = '', message = ''] = match;
    return record(legacyLevels[level] ?? 'info', message, timestamp(date), { pid, role: roles[role] ?? role });
  }
  match = signalHandler.exec(line);
  if (match !== null) return record('warning', match[3] ?? '', Number(match[2]), { pid: match[1] ?? '', role: 'signal-handler' });
  if (line.startsWith('{')) {
    try {
      const json = JSON.parse(line) as Record<string, unknown>;
      if (typeof json.message !== 'string') return undefined;
      return record(namedLevel(String(json.level)), json.message, timestamp(String(json.timestamp ?? '')), {
        pid: String(json.pid ?? ''),
        role: String(json.role ?? ''),
      });
    } catch {
      return undefined;
    }
  }
  if (line.startsWith('pid=')) {
    const fields: Record<string, string> = {};
    for (const [, key = '', value = ''] of line.matchAll(logfmtField)) fields[key] = value.startsWith('"') ? value.slice(1, -1).replace(/\\(.)/g, '$1') : value;
    if (fields.message === undefined) return undefined;
    return record(namedLevel(fields.level), fields.message, timestamp(fields.timestamp), { pid: fields.pid ?? '', role: fields.role ?? '' });
  }
  if (crashReport.test(line)) return record('warning', line, undefined, {});
  return undefined;
};
