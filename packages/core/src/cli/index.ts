export { type CommonConfig, commonConfig, commonFlags, listenAddress } from './common.ts';
export { envVarFor, type FlagSpec, type FlagValue, type ParsedFlags, type ParseResult, parseFlags, positiveInteger } from './flags.ts';
export { readFileOrFail, readSecretFile } from './secrets.ts';
