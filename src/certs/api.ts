/**
 * The few API server calls the self-managed certificates need, so the rotation logic can be tested
 * against an in-memory fake. Secret data is passed decoded (PEM text), never logged.
 */
export interface CertificateApi {
  /** The certificate Secret, or undefined when it does not exist. */
  readSecret(): Promise<StoredSecret | undefined>;
  /** Creates the Secret; throws ConflictError when another replica created it first. */
  createSecret(data: SecretData): Promise<StoredSecret>;
  /** Replaces the Secret if it is still at `resourceVersion`; throws ConflictError otherwise. */
  replaceSecret(data: SecretData, resourceVersion: string): Promise<StoredSecret>;
  /** The webhooks of a configuration with their caBundle (base64, '' when unset); undefined when it does not exist. */
  readWebhooks(configuration: WebhookConfigurationRef): Promise<WebhookCaBundle[] | undefined>;
  /** Sets caBundle on the listed webhooks (by position, checked by name so a concurrent edit fails instead of patching the wrong one). */
  patchCaBundle(configuration: WebhookConfigurationRef, webhooks: readonly WebhookCaBundle[], caBundle: string): Promise<void>;
}

export type SecretData = Record<string, string>;

export interface StoredSecret {
  data: SecretData;
  resourceVersion: string;
}

export interface WebhookConfigurationRef {
  kind: 'ValidatingWebhookConfiguration' | 'MutatingWebhookConfiguration';
  name: string;
}

export interface WebhookCaBundle {
  name: string;
  caBundle: string;
}

/** Someone else wrote the object first (409): re-read and decide again. */
export class ConflictError extends Error {}
