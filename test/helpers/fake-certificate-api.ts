import { ConflictError, type CertificateApi, type SecretData, type StoredSecret, type WebhookCaBundle, type WebhookConfigurationRef } from '../../src/certs/api.js';

/**
 * The API server's side of CertificateApi in memory: resourceVersion conflicts on the Secret, 409 on a
 * second create, JSON-patch `test` semantics on the webhook configurations.
 */
export class FakeCertificateApi implements CertificateApi {
  secret: StoredSecret | undefined;
  readonly configurations = new Map<string, WebhookCaBundle[]>();
  readonly writes: string[] = [];
  /** Thrown by the next call (then cleared): an API server outage or a forbidden verb. */
  failNext: Error | undefined;
  /** Runs just before a Secret write lands: lets a test make another replica write first. */
  beforeWrite: (() => void) | undefined;
  private version = 0;

  constructor(configurations: Array<[WebhookConfigurationRef, string[]]> = []) {
    for (const [ref, names] of configurations) this.configurations.set(key(ref), names.map((name) => ({ name, caBundle: '' })));
  }

  async readSecret(): Promise<StoredSecret | undefined> {
    this.maybeFail();
    return this.secret && structuredClone(this.secret);
  }

  async createSecret(data: SecretData): Promise<StoredSecret> {
    this.maybeFail();
    this.runBeforeWrite();
    if (this.secret) throw new ConflictError('secrets "meshguard-certs" already exists');
    return this.store(data, 'create');
  }

  async replaceSecret(data: SecretData, resourceVersion: string): Promise<StoredSecret> {
    this.maybeFail();
    this.runBeforeWrite();
    if (this.secret?.resourceVersion !== resourceVersion) throw new ConflictError('the object has been modified');
    return this.store(data, 'replace');
  }

  async readWebhooks(ref: WebhookConfigurationRef): Promise<WebhookCaBundle[] | undefined> {
    this.maybeFail();
    return structuredClone(this.configurations.get(key(ref)));
  }

  async patchCaBundle(ref: WebhookConfigurationRef, webhooks: readonly WebhookCaBundle[], caBundle: string): Promise<void> {
    this.maybeFail();
    const stored = this.configurations.get(key(ref));
    if (!stored || webhooks.some((w, i) => stored[i]?.name !== w.name)) throw new Error(`patch test failed on ${key(ref)}`);
    webhooks.forEach((_, i) => (stored[i]!.caBundle = caBundle));
    this.writes.push(`patch ${key(ref)}`);
  }

  /** The PEM bundle a webhook of a configuration trusts now. */
  trustedBy(ref: WebhookConfigurationRef, index = 0): string {
    return Buffer.from(this.configurations.get(key(ref))?.[index]?.caBundle ?? '', 'base64').toString();
  }

  private store(data: SecretData, verb: string): StoredSecret {
    this.secret = { data: structuredClone(data), resourceVersion: String(++this.version) };
    this.writes.push(`${verb} secret`);
    return structuredClone(this.secret);
  }

  private runBeforeWrite(): void {
    const hook = this.beforeWrite;
    this.beforeWrite = undefined;
    hook?.();
  }

  private maybeFail(): void {
    const error = this.failNext;
    this.failNext = undefined;
    if (error) throw error;
  }
}

const key = (ref: WebhookConfigurationRef) => `${ref.kind}/${ref.name}`;
