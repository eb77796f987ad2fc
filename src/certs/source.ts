import type { ServingCertificate } from '../server/tls.js';

/** Where the admission listener gets its serving certificate, now and after every rotation. */
export interface CertificateSource {
  /**
   * Resolves with the first valid certificate, waiting (and logging why) until there is one; every
   * later valid replacement is passed to `onChange`. An invalid replacement is never passed on.
   */
  start(onChange: (certificate: ServingCertificate) => void): Promise<ServingCertificate>;
  stop(): void;
}
