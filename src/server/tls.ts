import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FILE_NAMES } from '../certs/files.js';

export interface ServingCertificate {
  cert: string;
  key: string;
  notAfter: Date;
}

/** TLS 1.2 is the floor: the API server speaks 1.2 and 1.3, nothing older is needed or safe. */
export const TLS_MIN_VERSION = 'TLSv1.2' as const;

/** Reads and checks tls.crt/tls.key; throws with the reason when they are missing or do not pair. */
export function loadServingCertificate(certDir: string): ServingCertificate {
  const cert = readFileSync(join(certDir, FILE_NAMES.cert), 'utf8');
  const key = readFileSync(join(certDir, FILE_NAMES.key), 'utf8');
  const x509 = new X509Certificate(cert);
  if (!x509.checkPrivateKey(createPrivateKey(key))) throw new Error(`${FILE_NAMES.key} does not belong to ${FILE_NAMES.cert}`);
  return { cert, key, notAfter: new Date(x509.validTo) };
}
