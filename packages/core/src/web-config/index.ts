export { BasicAuthChecker } from './basic-auth.ts';
export { TokenBucket } from './rate-limit.ts';
export { type ClientAuthType, configStamp, loadWebConfig, parseDuration, type TlsServerConfig, type WebConfig } from './schema.ts';
