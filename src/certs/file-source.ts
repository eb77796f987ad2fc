import { join } from 'node:path';
import type { Logger } from '../server/logger.js';
import type { Metrics } from '../server/metrics.js';
import { servingCertificateFromPem, type ServingCertificate } from '../server/tls.js';
import { pollFiles, type FilePoller } from '../util/poll-files.js';
import { FILE_NAMES } from './files.js';
import type { CertificateSource } from './source.js';

/** The kubelet refreshes mounted Secrets about once a minute; checking every 10 s adds little to that. */
const POLL_INTERVAL_MS = 10_000;

/**
 * tls.crt and tls.key from a directory (cert-manager, a user-provided Secret, development), reloaded
 * when they change. A pair that does not load (half-written, mismatched, expired) is rejected: the
 * previous certificate stays in use, the error is logged and counted.
 */
export class FileCertificateSource implements CertificateSource {
  private poller: FilePoller | undefined;
  private readonly paths: string[];

  constructor(
    certDir: string,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
    private readonly intervalMs = POLL_INTERVAL_MS,
  ) {
    this.paths = [join(certDir, FILE_NAMES.cert), join(certDir, FILE_NAMES.key)];
  }

  start(onChange: (certificate: ServingCertificate) => void): Promise<ServingCertificate> {
    return new Promise((resolve) => {
      let first = true;
      this.poller = pollFiles(this.paths, this.intervalMs, ([cert, key]) => {
        const certificate = this.tryLoad(cert, key, first);
        if (!certificate) return;
        if (first) resolve(certificate);
        else onChange(certificate);
        first = false;
      });
    });
  }

  stop(): void {
    this.poller?.stop();
  }

  private tryLoad(cert: string | undefined, key: string | undefined, first: boolean): ServingCertificate | undefined {
    const target = 'certificate';
    try {
      if (cert === undefined || key === undefined) throw new Error(`${this.paths.join(' and ')} must both be readable`);
      const certificate = servingCertificateFromPem(cert, key);
      if (!first) this.metrics.reloads.inc({ target, result: 'success' });
      this.logger.info({ files: this.paths, notAfter: certificate.notAfter.toISOString() }, first ? 'serving certificate loaded' : 'serving certificate reloaded');
      return certificate;
    } catch (error) {
      this.metrics.reloads.inc({ target, result: 'failure' });
      const message = first ? 'no valid serving certificate yet; not ready until there is one' : 'serving certificate replacement rejected; keeping the one in use';
      this.logger.error({ files: this.paths, reason: (error as Error).message }, message);
      return undefined;
    }
  }
}
