import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateCertificateAuthority, issueServingCertificate, servingNames } from './generate.js';

export interface CertificateFilesOptions {
  dir: string;
  service: string;
  namespace: string;
  days: number;
}

export const FILE_NAMES = { caCert: 'ca.crt', caKey: 'ca.key', cert: 'tls.crt', key: 'tls.key' } as const;

/** Writes a new CA and serving certificate under `dir`; returns the base64 CA bundle for caBundle. */
export function writeCertificateFiles({ dir, service, namespace, days }: CertificateFilesOptions): string {
  const ca = generateCertificateAuthority(`meshguard-ca.${namespace}`, days);
  const serving = issueServingCertificate(ca, { dnsNames: servingNames(service, namespace), ipAddresses: ['127.0.0.1', '::1'], days });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, FILE_NAMES.caCert), ca.certPem);
  writeFileSync(join(dir, FILE_NAMES.caKey), ca.keyPem, { mode: 0o600 });
  writeFileSync(join(dir, FILE_NAMES.cert), serving.certPem);
  writeFileSync(join(dir, FILE_NAMES.key), serving.keyPem, { mode: 0o600 });
  return Buffer.from(ca.certPem).toString('base64');
}

/** Development convenience: generate certificates once, keep them across restarts. */
export function ensureCertificateFiles(options: CertificateFilesOptions): boolean {
  if (existsSync(join(options.dir, FILE_NAMES.cert)) && existsSync(join(options.dir, FILE_NAMES.key))) return false;
  writeCertificateFiles(options);
  return true;
}
