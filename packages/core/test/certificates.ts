import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Test certificates made with openssl in a fresh directory: self-signed CAs (`<ca>.crt/.key`) and leaf
 * certificates (`<name>.crt/.key`) signed by the first CA, each with the given subjectAltName, all valid for
 * `days`. Returns the path of a file in that directory.
 */
export function makeCertificates(cas: readonly string[], leaves: Readonly<Record<string, string>>, days = 2): (name: string) => string {
  const dir = mkdtempSync(join(tmpdir(), 'keepwatch-certs-'));
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  for (const ca of cas)
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', String(days), '-subj', `/CN=${ca}`, '-keyout', `${ca}.key`, '-out', `${ca}.crt`);
  const [signer] = cas;
  for (const [name, san] of Object.entries(leaves)) {
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.csr`);
    writeFileSync(join(dir, `${name}.ext`), `subjectAltName=${san}\n`);
    openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${signer}.crt`,
      '-CAkey',
      `${signer}.key`,
      '-CAcreateserial',
      '-days',
      String(days),
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.crt`,
    );
  }
  return (name) => join(dir, name);
}
