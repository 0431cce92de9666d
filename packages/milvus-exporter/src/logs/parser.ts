import type { LogParser } from '@keepwatch/core/logs';
import { accessRecord, compileAccessFormat } from './access-log.ts';
import { parseZapLine } from './zap.ts';

/**
 * Milvus writes its access log to stdout among the main log's lines unless given a file of its own, so
 * one parser reads both: access lines by the configured format, the rest as zap text or JSON.
 */
export function milvusLogParser(accessFormat: string): LogParser {
  const matchAccess = compileAccessFormat(accessFormat);
  return (line) => {
    const access = matchAccess(line);
    return access === undefined ? parseZapLine(line) : accessRecord(access);
  };
}
