import { mkdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateCertificateAuthority, issueServingCertificate, servingNames } from '../../src/certs/generate.js';

export interface QuickCertificates {
  caPem: string;
  certPem: string;
  keyPem: string;
}

/**
 * A CA and a serving certificate for localhost/127.0.0.1 with 1024-bit keys: these tests are about
 * reloads and shutdown, not key strength, and 2048-bit keys cost about a second each on CI.
 */
export function quickCertificates(): QuickCertificates {
  const ca = generateCertificateAuthority('meshguard-test-ca', 2, { keyBits: 1024 });
  const serving = issueServingCertificate(ca, { dnsNames: servingNames('meshguard', 'meshguard'), ipAddresses: ['127.0.0.1'], days: 2, keyBits: 1024 });
  return { caPem: ca.certPem, certPem: serving.certPem, keyPem: serving.keyPem };
}

/** Writes tls.crt and tls.key into `dir`. */
export function writeServingFiles(dir: string, { certPem, keyPem }: { certPem: string; keyPem: string }): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'tls.crt'), certPem);
  writeFileSync(join(dir, 'tls.key'), keyPem, { mode: 0o600 });
}

/**
 * Kubernetes' atomic writer: tls.crt and tls.key are symlinks through `..data`, which is swapped to a
 * new directory with one rename, so readers never see a half-updated pair.
 */
export function mountLikeKubelet(dir: string) {
  let generation = 0;
  const publish = (files: { certPem: string; keyPem: string }) => {
    const target = `..${++generation}`;
    writeServingFiles(join(dir, target), files);
    symlinkSync(target, join(dir, '..data_tmp'));
    renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
  };
  return {
    publish(files: { certPem: string; keyPem: string }) {
      publish(files);
      if (generation === 1) for (const name of ['tls.crt', 'tls.key']) symlinkSync(join('..data', name), join(dir, name));
    },
  };
}
