import type { Logger } from '../server/logger.js';
import type { Metrics } from '../server/metrics.js';
import { servingCertificateFromPem, type ServingCertificate } from '../server/tls.js';
import { ConflictError, type CertificateApi, type SecretData, type WebhookConfigurationRef } from './api.js';
import { servingNames } from './generate.js';
import { SECRET_KEYS, planRotation, type RotationPolicy } from './rotation-plan.js';
import type { SelfManagedSettings } from './settings.js';
import type { CertificateSource } from './source.js';

export interface SelfManagedOptions {
  api: CertificateApi;
  settings: SelfManagedSettings;
  logger: Logger;
  metrics: Metrics;
  /** The clock rotation decisions use (tests move it forward). */
  now?: () => Date;
  /** See RotationPolicy.caPublishMs. Ten minutes: far longer than an API server needs to see a webhook configuration change. */
  caPublishMs?: number;
  /** RSA modulus of new keys (default 2048; tests use smaller keys to stay fast). */
  keyBits?: number;
}

/** Replicas write the one Secret concurrently; a few conflicts in a row are normal, many are not. */
const MAX_CONFLICTS = 5;
const RETRY_MAX_MS = 30_000;

/**
 * meshguard's own CA and serving certificate, kept in a Secret that every replica shares, with the
 * CA bundle patched into its webhook configurations. Each replica reconciles at start and then every
 * checkIntervalSeconds: read the Secret, let planRotation decide, write it back on resourceVersion
 * (a conflict means another replica wrote first: re-read and decide again), publish the caBundle,
 * and hand a changed serving certificate to the listener.
 */
export class SelfManagedCertificates implements CertificateSource {
  private readonly policy: RotationPolicy;
  private readonly configurations: WebhookConfigurationRef[];
  private readonly now: () => Date;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private served: string | undefined;
  private onChange: (certificate: ServingCertificate) => void = () => undefined;

  constructor(private readonly options: SelfManagedOptions) {
    const { settings } = options;
    this.now = options.now ?? (() => new Date());
    this.policy = {
      commonName: `meshguard-ca.${settings.namespace}`,
      dnsNames: servingNames(settings.serviceName, settings.namespace),
      caValidityDays: settings.caValidityDays,
      servingValidityDays: settings.servingValidityDays,
      caPublishMs: options.caPublishMs ?? 10 * 60 * 1000,
      keyBits: options.keyBits,
    };
    this.configurations = [{ kind: 'ValidatingWebhookConfiguration', name: settings.validatingWebhookConfiguration }];
    if (settings.mutatingWebhookConfiguration) this.configurations.push({ kind: 'MutatingWebhookConfiguration', name: settings.mutatingWebhookConfiguration });
  }

  async start(onChange: (certificate: ServingCertificate) => void): Promise<ServingCertificate> {
    this.onChange = onChange;
    for (let attempt = 0; ; attempt++) {
      try {
        const certificate = await this.reconcile();
        this.schedule();
        return certificate;
      } catch (error) {
        this.reportError(error, 'no serving certificate yet; not ready until there is one');
        if (this.stopped) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.min(RETRY_MAX_MS, 500 * 2 ** attempt)));
      }
    }
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** One pass: settle the Secret, publish its caBundle, serve its certificate. Returns the certificate to serve. */
  async reconcile(): Promise<ServingCertificate> {
    const data = await this.settleSecret();
    await this.publishCaBundle(Buffer.from(data[SECRET_KEYS.bundle] ?? '').toString('base64'));
    const certificate = servingCertificateFromPem(data[SECRET_KEYS.cert] ?? '', data[SECRET_KEYS.key] ?? '');
    if (certificate.cert !== this.served) {
      const first = this.served === undefined;
      this.served = certificate.cert;
      this.options.logger.info({ secret: this.secretRef(), notAfter: certificate.notAfter.toISOString() }, 'serving the certificate from the Secret');
      if (!first) this.onChange(certificate);
    }
    return certificate;
  }

  private async settleSecret(): Promise<SecretData> {
    const { api, logger } = this.options;
    for (let conflicts = 0; conflicts < MAX_CONFLICTS; conflicts++) {
      const stored = await api.readSecret();
      const plan = planRotation(stored?.data, this.policy, this.now());
      if (stored && plan.changes.length === 0) return stored.data;
      try {
        const saved = stored ? await api.replaceSecret(plan.data, stored.resourceVersion) : await api.createSecret(plan.data);
        logger.info({ secret: this.secretRef(), changes: plan.changes }, 'certificate Secret updated');
        return saved.data;
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        logger.debug({ secret: this.secretRef() }, 'another replica wrote the certificate Secret first; re-reading it');
      }
    }
    throw new Error(`the certificate Secret ${this.secretRef()} changed ${MAX_CONFLICTS} times while meshguard was writing it; will retry`);
  }

  /** Every replica publishes on every pass: it also repairs a caBundle that someone reset. */
  private async publishCaBundle(caBundle: string): Promise<void> {
    const { api, logger } = this.options;
    for (const configuration of this.configurations) {
      const webhooks = await api.readWebhooks(configuration);
      if (!webhooks) {
        logger.warn({ configuration }, 'webhook configuration not found: its caBundle cannot be set, so the API server cannot call meshguard through it');
        continue;
      }
      const stale = webhooks.filter((w) => w.caBundle !== caBundle);
      if (stale.length === 0) continue;
      await api.patchCaBundle(configuration, webhooks, caBundle);
      logger.info({ configuration, webhooks: stale.map((w) => w.name) }, 'caBundle updated');
    }
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.reconcile()
        .catch((error: unknown) => this.reportError(error, 'certificate check failed; keeping the certificate in use'))
        .finally(() => this.schedule());
    }, this.options.settings.checkIntervalSeconds * 1000);
    this.timer.unref();
  }

  private reportError(error: unknown, message: string): void {
    this.options.metrics.certificateErrors.inc();
    this.options.logger.error({ secret: this.secretRef(), reason: (error as Error).message }, message);
  }

  private secretRef(): string {
    return `${this.options.settings.namespace}/${this.options.settings.secretName}`;
  }
}
