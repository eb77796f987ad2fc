import forge from 'node-forge';

export interface KeyPairPem {
  certPem: string;
  keyPem: string;
}

export interface ServingCertificateOptions {
  dnsNames: readonly string[];
  ipAddresses?: readonly string[];
  days: number;
  /** Issue time (default: now); rotation passes its own clock. */
  now?: Date;
  /** Never valid beyond this (the CA's expiry: a certificate must not outlive its issuer). */
  notAfter?: Date;
  keyBits?: number;
}

/** RSA 2048: what the API server and every TLS stack accept. Tests may ask for smaller, faster keys. */
export const DEFAULT_KEY_BITS = 2048;

const { pki, md } = forge;

/** A self-signed CA for the webhook. node-forge uses Node's native RSA key generation when it can. */
export function generateCertificateAuthority(commonName: string, days: number, { now = new Date(), keyBits = DEFAULT_KEY_BITS } = {}): KeyPairPem {
  const keys = pki.rsa.generateKeyPair({ bits: keyBits });
  const cert = pki.createCertificate();
  cert.publicKey = keys.publicKey;
  setValidity(cert, days, now);
  const subject = [{ name: 'commonName', value: commonName }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.privateKey, md.sha256.create());
  return { certPem: pki.certificateToPem(cert), keyPem: pki.privateKeyToPem(keys.privateKey) };
}

/** A serving certificate signed by `ca`, with the SANs the API server dials. */
export function issueServingCertificate(ca: KeyPairPem, options: ServingCertificateOptions): KeyPairPem {
  const caCert = pki.certificateFromPem(ca.certPem);
  const caKey = pki.privateKeyFromPem(ca.keyPem);
  const keys = pki.rsa.generateKeyPair({ bits: options.keyBits ?? DEFAULT_KEY_BITS });
  const cert = pki.createCertificate();
  cert.publicKey = keys.publicKey;
  setValidity(cert, options.days, options.now ?? new Date(), options.notAfter);
  cert.setSubject([{ name: 'commonName', value: options.dnsNames[0] ?? 'meshguard' }]);
  cert.setIssuer(caCert.subject.attributes);
  const altNames = [
    ...options.dnsNames.map((value) => ({ type: 2, value })),
    ...(options.ipAddresses ?? []).map((ip) => ({ type: 7, ip })),
  ];
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(caKey, md.sha256.create());
  return { certPem: pki.certificateToPem(cert), keyPem: pki.privateKeyToPem(keys.privateKey) };
}

function setValidity(cert: forge.pki.Certificate, days: number, now: Date, cap?: Date): void {
  cert.serialNumber = randomSerial();
  // Backdated a little so a node whose clock lags the API server's still accepts the certificate.
  cert.validity.notBefore = new Date(now.getTime() - 5 * 60 * 1000);
  const notAfter = now.getTime() + days * 24 * 60 * 60 * 1000;
  cert.validity.notAfter = new Date(cap ? Math.min(notAfter, cap.getTime()) : notAfter);
}

function randomSerial(): string {
  // Positive (leading byte below 0x80), 16 random bytes as RFC 5280 recommends.
  const bytes = forge.random.getBytesSync(16);
  return forge.util.bytesToHex(String.fromCharCode(bytes.charCodeAt(0) & 0x7f) + bytes.slice(1));
}

/** The SANs of the in-cluster Service plus the loopback names used in local development. */
export function servingNames(service: string, namespace: string): string[] {
  return ['localhost', service, `${service}.${namespace}`, `${service}.${namespace}.svc`, `${service}.${namespace}.svc.cluster.local`];
}
