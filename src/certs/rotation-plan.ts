import { X509Certificate, createPrivateKey } from 'node:crypto';
import type { SecretData } from './api.js';
import { generateCertificateAuthority, issueServingCertificate, type KeyPairPem } from './generate.js';

/** Keys of the certificate Secret. `ca-bundle.crt` is what the webhook configurations trust. */
export const SECRET_KEYS = {
  cert: 'tls.crt',
  key: 'tls.key',
  caCert: 'ca.crt',
  caKey: 'ca.key',
  bundle: 'ca-bundle.crt',
  nextCaCert: 'next-ca.crt',
  nextCaKey: 'next-ca.key',
  nextCaStagedAt: 'next-ca.staged-at',
} as const;

export interface RotationPolicy {
  commonName: string;
  dnsNames: readonly string[];
  caValidityDays: number;
  servingValidityDays: number;
  /**
   * How long a new CA sits in the caBundle before it signs anything: every API server must trust it
   * before any replica serves a certificate it issued.
   */
  caPublishMs: number;
  /** RSA modulus of new keys (default 2048). */
  keyBits?: number;
}

export interface RotationPlan {
  data: SecretData;
  /** What changed and why, for the log; empty when the Secret is fine as it is. */
  changes: string[];
}

/**
 * Decides the next content of the certificate Secret (pure but for key generation):
 * - no usable CA: a new CA and serving certificate (unexpired CAs of the old bundle stay trusted);
 * - CA in its last third of life: a next CA is staged into the bundle, and promoted to signer once it
 *   has been published for `caPublishMs`; the old CA stays in the bundle until it expires, so
 *   certificates it signed (still served by replicas that have not reloaded) are never rejected;
 * - serving certificate missing, not from the signing CA, missing a DNS name, or in its last third
 *   of life: a new one from the signing CA.
 */
export function planRotation(current: SecretData | undefined, policy: RotationPolicy, now: Date): RotationPlan {
  const data = current ?? {};
  const changes: string[] = [];
  const oldBundle = splitPem(data[SECRET_KEYS.bundle] ?? '').filter((pem) => isUnexpired(pem, now));

  let signing = usableCa(data[SECRET_KEYS.caCert], data[SECRET_KEYS.caKey], now);
  let next = usableCa(data[SECRET_KEYS.nextCaCert], data[SECRET_KEYS.nextCaKey], now);
  let stagedAt = Number(new Date(data[SECRET_KEYS.nextCaStagedAt] ?? NaN));
  if (!signing) {
    signing = generateCertificateAuthority(policy.commonName, policy.caValidityDays, { now, keyBits: policy.keyBits });
    next = undefined;
    changes.push(current ? 'the Secret holds no usable CA: created a new CA' : 'created the CA');
  } else if (next && !Number.isFinite(stagedAt)) {
    stagedAt = now.getTime();
    changes.push('the next CA had no staging time: its publication delay starts now');
  } else if (next && stagedAt + policy.caPublishMs <= now.getTime()) {
    signing = next;
    next = undefined;
    changes.push('promoted the next CA to signer (it has been in the caBundle long enough)');
  } else if (!next && inLastThird(signing.certPem, now)) {
    next = generateCertificateAuthority(policy.commonName, policy.caValidityDays, { now, keyBits: policy.keyBits });
    stagedAt = now.getTime();
    changes.push('the CA is in its last third of validity: staged the next CA in the caBundle');
  }

  let serving: KeyPairPem | undefined = { certPem: data[SECRET_KEYS.cert] ?? '', keyPem: data[SECRET_KEYS.key] ?? '' };
  const servingProblem = problemWithServing(serving, signing, policy.dnsNames, now);
  if (servingProblem) {
    const caExpiry = new Date(new X509Certificate(signing.certPem).validTo);
    serving = issueServingCertificate(signing, { dnsNames: policy.dnsNames, days: policy.servingValidityDays, now, notAfter: caExpiry, keyBits: policy.keyBits });
    changes.push(`issued a serving certificate (${servingProblem})`);
  }

  const bundle = unique([signing.certPem, ...(next ? [next.certPem] : []), ...oldBundle].map(canonicalPem));
  const result: SecretData = {
    [SECRET_KEYS.cert]: serving.certPem,
    [SECRET_KEYS.key]: serving.keyPem,
    [SECRET_KEYS.caCert]: signing.certPem,
    [SECRET_KEYS.caKey]: signing.keyPem,
    [SECRET_KEYS.bundle]: bundle.join(''),
  };
  if (next) {
    result[SECRET_KEYS.nextCaCert] = next.certPem;
    result[SECRET_KEYS.nextCaKey] = next.keyPem;
    result[SECRET_KEYS.nextCaStagedAt] = new Date(stagedAt).toISOString();
  }
  if (changes.length === 0 && result[SECRET_KEYS.bundle] !== data[SECRET_KEYS.bundle]) changes.push('removed expired CAs from the caBundle');
  return { data: changes.length === 0 ? data : result, changes };
}

export function splitPem(bundle: string): string[] {
  return bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)?.map(canonicalPem) ?? [];
}

/** node-forge writes CRLF; one form makes equal certificates compare equal in the bundle. */
function canonicalPem(pem: string): string {
  return `${pem.replaceAll('\r\n', '\n').trim()}\n`;
}

function usableCa(certPem: string | undefined, keyPem: string | undefined, now: Date): KeyPairPem | undefined {
  const x509 = parse(certPem);
  if (!x509 || !keyPem || !x509.ca || !isUnexpired(certPem!, now) || !pairs(x509, keyPem)) return undefined;
  return { certPem: certPem!, keyPem };
}

function problemWithServing(serving: KeyPairPem, ca: KeyPairPem, dnsNames: readonly string[], now: Date): string | undefined {
  const x509 = parse(serving.certPem);
  if (!x509 || !pairs(x509, serving.keyPem)) return 'none usable in the Secret';
  const issuer = new X509Certificate(ca.certPem);
  if (!x509.checkIssued(issuer) || !x509.verify(issuer.publicKey)) return 'the stored one was not issued by the signing CA';
  const missing = dnsNames.find((name) => x509.checkHost(name, { wildcards: false }) === undefined);
  if (missing) return `the stored one does not cover ${missing}`;
  if (!isUnexpired(serving.certPem, now) || inLastThird(serving.certPem, now)) return 'the stored one is in its last third of validity';
  return undefined;
}

function parse(pem: string | undefined): X509Certificate | undefined {
  if (!pem) return undefined;
  try {
    return new X509Certificate(pem);
  } catch {
    return undefined;
  }
}

function pairs(x509: X509Certificate, keyPem: string): boolean {
  try {
    return x509.checkPrivateKey(createPrivateKey(keyPem));
  } catch {
    return false;
  }
}

function isUnexpired(pem: string, now: Date): boolean {
  const x509 = parse(pem);
  return x509 !== undefined && new Date(x509.validTo).getTime() > now.getTime();
}

function inLastThird(pem: string, now: Date): boolean {
  const x509 = new X509Certificate(pem);
  const from = new Date(x509.validFrom).getTime();
  const to = new Date(x509.validTo).getTime();
  return to - now.getTime() < (to - from) / 3;
}

function unique(pems: string[]): string[] {
  return [...new Set(pems)];
}
