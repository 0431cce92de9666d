import type { AlertSpec } from '../../alert.ts';
import { node, type RespAlertContext } from './context.ts';

const certificates = ['server', 'client', 'ca'] as const;
const day = 86400;

/** TLS certificates running out: clients and replicas cannot connect once one has expired. */
export function certificateAlerts({ engine, config, ns, title, m, s, t }: RespAlertContext): AlertSpec[] {
  if (!engine.certificateExpiry) return [];
  // One series per certificate, told apart by a `certificate` label (the exporter names them as redis_exporter does).
  const expiry = certificates
    .map((certificate) => `label_replace(${m(`tls_${certificate}_cert_expires_in_seconds`)}, "certificate", "${certificate}", "", "")`)
    .join(' or ');
  const alert = (name: string, severity: AlertSpec['severity'], days: number, when: string, action: string): AlertSpec => ({
    name: `${title}${name}`,
    severity,
    symptom: false,
    expr: `(${expiry}) < ${days * day}`,
    for: config.for.certificate,
    summary: `A ${title} TLS certificate ${when}.`,
    description: `{{ $labels.instance }}: the {{ $labels.certificate }} certificate expires in {{ $value | humanizeDuration }} (negative: expired).`,
    runbook: {
      meaning: `The server, client (replication and cluster bus) or earliest CA certificate ${title} loaded expires in less than ${days} days (\`${ns}_tls_<certificate>_cert_expires_in_seconds\`, from INFO on Valkey 9.1+). Once it has expired, TLS clients, replicas and cluster peers refuse the connection.`,
      confirm: `\`${engine.cli} --tls ... INFO tls\` shows the serial and the seconds left; \`openssl x509 -enddate -noout -in <tls-cert-file>\` shows the file on disk, which may already be renewed but not loaded.`,
      action,
    },
    cases: [
      {
        name: `a server certificate with ${days - 1} days left`,
        series: { [s('tls_server_cert_expires_in_seconds')]: `${(days - 1) * day}x20`, [s('tls_ca_cert_expires_in_seconds')]: `${400 * day}x20` },
        at: '15m',
        fires: [
          {
            labels: { ...node, certificate: 'server' },
            description: `a:9866: the server certificate expires in ${days - 1}d 0h 0m 0s (negative: expired).`,
          },
        ],
      },
      { name: 'a certificate with a year left', series: { [s('tls_client_cert_expires_in_seconds')]: `${365 * day}x20` }, at: '15m', fires: [] },
      {
        name: 'the server reloaded a renewed certificate',
        series: { [s('tls_server_cert_expires_in_seconds')]: `${(days - 1) * day}x5 ${90 * day}x15` },
        at: '15m',
        fires: [],
      },
    ],
  });
  return [
    alert(
      'TlsCertificateExpiresSoon',
      'warning',
      t.certificateWarningDays,
      `expires within ${t.certificateWarningDays} days`,
      'Renew the certificate and make the server load it: `CONFIG SET tls-cert-file` (or the key, CA or client file) with the new path reloads it without a restart; check that automation (cert-manager, a cron job) still renews it.',
    ),
    alert(
      'TlsCertificateExpiresVerySoon',
      'critical',
      t.certificateCriticalDays,
      `expires within ${t.certificateCriticalDays} days or has expired`,
      'Renew and reload it now (`CONFIG SET tls-cert-file`): an expired certificate stops every TLS client, replica and cluster link. Over a plaintext port or a local socket the server stays reachable to do it.',
    ),
  ];
}
