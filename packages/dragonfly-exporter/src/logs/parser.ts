import type { LogParser, LogRecord } from '@keepwatch/core/logs';

const levels: Record<string, string> = { I: 'info', W: 'warning', E: 'error', F: 'fatal' };

/**
 * glog lines as Dragonfly writes them: `I20250821 06:00:00.123456  1234 replica.cc:321] message`, level
 * I/W/E/F, date with the year (absl log) or without it (`I0821`, classic glog, year taken as this one).
 */
const glog = /^([IWEF])(\d{4})?(\d{2})(\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?)\s+(\d+) ([^:\]\s]+):(\d+)\] ?(.*)$/;

/** absl's failure signal handler, after a crash: `*** SIGSEGV received at time=1755756000 on cpu 3 ***`. */
const signalReport = /^\*\*\* (SIG[A-Z]+) received at time=(\d+)/;

export const parseDragonflyLogLine: LogParser = (line): LogRecord | undefined => {
  const match = glog.exec(line);
  if (match !== null) {
    const [, level = 'I', year, month = '', day = '', time = '', thread = '', file = '', lineNumber = '', message = ''] = match;
    // glog writes local time (its log_utc_time flag is off by default), so the line is read in the exporter's
    // time zone: the same as Dragonfly's when the sidecar runs with the same TZ (both UTC in most images).
    const when = Date.parse(`${year ?? new Date().getFullYear()}-${month}-${day}T${time}`);
    return {
      level: levels[level] ?? 'info',
      message,
      ...(Number.isFinite(when) ? { timestamp: when / 1000 } : {}),
      attributes: { thread, source: `${file}:${lineNumber}` },
    };
  }
  const signal = signalReport.exec(line);
  if (signal !== null) return { level: 'fatal', message: line, timestamp: Number(signal[2]), attributes: {} };
  return undefined;
};
