import type { PeerCertificate, SecureContextOptions, TLSSocket } from 'node:tls';
import type { TlsServerConfig } from '../web-config/schema.ts';

/** Node TLS server options for a web config's tls_server_config. */
export function tlsServerOptions(tls: TlsServerConfig): SecureContextOptions & { requestCert: boolean; rejectUnauthorized: boolean } {
  return {
    cert: tls.cert,
    key: tls.key,
    ...(tls.clientCa === undefined ? {} : { ca: tls.clientCa }),
    minVersion: tls.minVersion,
    maxVersion: tls.maxVersion,
    requestCert: tls.clientAuth !== 'NoClientCert',
    rejectUnauthorized: tls.clientAuth === 'RequireAndVerifyClientCert',
  };
}

/** Whether the connection's client certificate satisfies client_auth_type and client_allowed_sans. */
export function clientCertificateAllowed(tls: TlsServerConfig, socket: TLSSocket): boolean {
  const certificate = socket.getPeerCertificate() as PeerCertificate | Record<string, never>;
  const present = Object.keys(certificate).length > 0;
  switch (tls.clientAuth) {
    case 'NoClientCert':
    case 'RequestClientCert':
      return true;
    case 'RequireAnyClientCert':
      return present;
    case 'VerifyClientCertIfGiven':
      if (!present) return true;
      break;
    case 'RequireAndVerifyClientCert':
      if (!present) return false;
      break;
  }
  if (!socket.authorized) return false;
  if (tls.clientAllowedSans.length === 0) return true;
  const sans = (certificate.subjectaltname ?? '').split(', ').map((entry) => entry.replace(/^[A-Za-z ]+:/, ''));
  return sans.some((san) => tls.clientAllowedSans.includes(san));
}
