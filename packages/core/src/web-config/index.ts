export { type ClientAuthType, loadWebConfig, type TlsServerConfig, type WebConfig } from './schema.ts';
