export { type CommonConfig, commonConfig, commonFlags, listenAddress, targetsFile } from './common.ts';
export {
  envVarFor,
  type FlagSpec,
  type FlagValue,
  labelCapRange,
  ParsedFlags,
  type ParseResult,
  parseFlags,
} from './flags.ts';
export { readFileOrFail, readSecretFile } from './secrets.ts';
export { type ClientTls, tlsClientFlags, tlsClientFromFlags } from './tls-client.ts';
