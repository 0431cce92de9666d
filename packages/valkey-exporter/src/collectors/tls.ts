import { gauge } from '@keepwatch/core/metrics';
import type { ValkeyCollector } from '../capabilities.ts';

const certificates = ['server', 'client', 'ca'] as const;

// Names as redis_exporter 1.8x exports them, so --namespace redis serves its users' rules.
const metrics = {
  expires: Object.fromEntries(
    certificates.map((certificate) => [
      certificate,
      gauge(
        `tls_${certificate}_cert_expires_in_seconds`,
        `Seconds until the ${certificate === 'ca' ? 'earliest CA certificate of the bundle' : `${certificate} certificate`} expires, negative once expired (INFO TLS, Valkey 9.1+); absent without one.`,
      ),
    ]),
  ) as Record<(typeof certificates)[number], ReturnType<typeof gauge>>,
  info: gauge('tls_certificate_info', 'The certificate the server uses, by serial number: a new serial means it was replaced.', ['certificate', 'serial']),
};

/** A serial is hex; anything else (or longer than a 160-bit serial) is not made a label. */
const serialPattern = /^[0-9A-Fa-f]{1,40}$/;

/**
 * Certificate expiry from INFO's TLS section (Valkey 9.1+). Without TLS, or without a client certificate,
 * Valkey prints serial `none` and 0 seconds (valkey-io/valkey tests/unit/tls.tcl, "INFO tls reports empty
 * values when TLS disabled"; captured from 9.1.2 in packages/testing/fixtures/valkey/valkey-9.1.2-info-all.txt):
 * that 0 is not "expires now", so such a certificate is left out rather than exported as 0.
 */
export const tlsCollector: ValkeyCollector = {
  name: 'tls',
  help: 'Expiry of the server, client and CA certificates from INFO (Valkey 9.1+; nothing on older servers or without TLS).',
  defaultEnabled: true,
  metrics: [...Object.values(metrics.expires), metrics.info],
  collect(snapshot, sink) {
    for (const certificate of certificates) {
      const serial = snapshot.info.get(`tls_${certificate}_cert_serial`);
      if (serial === undefined || serial === 'none') continue;
      const expires = Number(snapshot.info.get(`tls_${certificate}_cert_expires_in_seconds`));
      if (!Number.isFinite(expires)) continue;
      sink.emit(metrics.expires[certificate], expires);
      if (serialPattern.test(serial)) sink.emit(metrics.info, 1, { certificate, serial });
    }
  },
};
