import { X509Certificate, constants, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { SecureContextOptions } from 'node:tls';
import { join } from 'node:path';
import { FILE_NAMES } from '../certs/files.js';

export interface ServingCertificate {
  cert: string;
  key: string;
  notAfter: Date;
}

/** TLS 1.2 is the floor: the API server speaks 1.2 and 1.3, nothing older is needed or safe. */
export const TLS_MIN_VERSION = 'TLSv1.2' as const;

/** Checks a PEM certificate and key; throws with the reason when they cannot be read or do not pair. */
export function servingCertificateFromPem(cert: string, key: string): ServingCertificate {
  const x509 = new X509Certificate(cert);
  if (!x509.checkPrivateKey(createPrivateKey(key))) throw new Error(`${FILE_NAMES.key} does not belong to ${FILE_NAMES.cert}`);
  const notAfter = new Date(x509.validTo);
  if (notAfter.getTime() <= Date.now()) throw new Error(`${FILE_NAMES.cert} expired at ${notAfter.toISOString()}`);
  return { cert, key, notAfter };
}

/** Reads and checks tls.crt/tls.key; throws with the reason when they are missing or do not pair. */
export function loadServingCertificate(certDir: string): ServingCertificate {
  return servingCertificateFromPem(readFileSync(join(certDir, FILE_NAMES.cert), 'utf8'), readFileSync(join(certDir, FILE_NAMES.key), 'utf8'));
}

/**
 * The TLS options of the admission listener, at start and on every certificate reload (a reload
 * replaces the whole secure context, so everything TLS-level lives here). Renegotiation is refused:
 * TLS 1.3 has none, and a client-initiated TLS 1.2 renegotiation only costs us a handshake per request.
 */
export function secureContextOptions(certificate: ServingCertificate): SecureContextOptions {
  return { key: certificate.key, cert: certificate.cert, minVersion: TLS_MIN_VERSION, secureOptions: constants.SSL_OP_NO_RENEGOTIATION };
}
