export { type CommonConfig, commonConfig, commonFlags, listenAddress, targetsFile } from './common.ts';
export { envVarFor, type FlagSpec, type FlagValue, type ParsedFlags, type ParseResult, parseFlags, positiveInteger } from './flags.ts';
export { readFileOrFail, readSecretFile } from './secrets.ts';
export { type ClientTls, tlsClientFlags, tlsClientFromFlags } from './tls-client.ts';
