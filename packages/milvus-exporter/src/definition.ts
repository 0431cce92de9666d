import type { EngineLogs, ExporterDefinition } from '@keepwatch/core/bootstrap';
import { type FlagSpec, labelCapRange, type ParsedFlags } from '@keepwatch/core/cli';
import { KeepwatchError } from '@keepwatch/core/errors';
import type { LogParser } from '@keepwatch/core/logs';
import { collectionFlags, collectionOptions } from './collection-filter.ts';
import { milvusCollectors } from './collectors/index.ts';
import { defaultAccessFormat } from './logs/access-log.ts';
import { milvusLogParser } from './logs/parser.ts';
import { milvusLogRules } from './logs/rules.ts';
import { accessTally } from './logs/tally.ts';
import { connectionFlags, milvusSettings } from './settings.ts';
import type { MilvusCaps, MilvusCollector, MilvusSnapshot } from './snapshot.ts';
import { MilvusTarget } from './target.ts';

const defaultMaxUsers = 100;

const logFlags: readonly FlagSpec[] = [
  {
    name: 'milvus.access-log.format',
    kind: 'string',
    default: defaultAccessFormat,
    help: 'The proxy.accessLog formatter format of the access log read by --log.file ($variables as in milvus.yaml); lines of the query and search formatters, which append fields, match the base format.',
  },
  {
    name: 'milvus.access-log.max-users',
    kind: 'number',
    default: defaultMaxUsers,
    range: labelCapRange,
    help: 'Distinct user names labelled in the access_* counters before the rest is summed under __overflow__.',
  },
];

function milvusLogs(parser: LogParser, maxUsers: number): EngineLogs {
  return { parser, rules: milvusLogRules, tally: accessTally(maxUsers) };
}

function logsFromFlags(flags: ParsedFlags): EngineLogs {
  const format = flags.string('milvus.access-log.format');
  let parser: LogParser;
  try {
    parser = milvusLogParser(format);
  } catch (error) {
    throw new KeepwatchError('KW_ERR_FLAG', `--milvus.access-log.format ${JSON.stringify(format)}: ${(error as Error).message}`);
  }
  return milvusLogs(parser, flags.number('milvus.access-log.max-users'));
}

export const milvusExporter: ExporterDefinition<MilvusCaps, MilvusSnapshot, MilvusCollector> = {
  engine: 'milvus',
  name: 'milvus-exporter',
  description: 'Prometheus exporter for Milvus: health, components, collections, indexes, quotas and access security signals.',
  version: '0.1.0',
  defaultPort: 9868,
  flags: [...connectionFlags, ...collectionFlags, ...logFlags],
  collectors: milvusCollectors,
  logs: milvusLogs(milvusLogParser(defaultAccessFormat), defaultMaxUsers),
  configure(flags, env) {
    const settings = milvusSettings(flags, env);
    const collections = collectionOptions(flags);
    return {
      secrets: [settings.password, settings.token].filter((secret): secret is string => secret !== undefined),
      targetDisplay: settings.display,
      logs: logsFromFlags(flags),
      build: (log) => ({ target: new MilvusTarget({ settings, collections, log }), collectors: milvusCollectors }),
    };
  },
};
