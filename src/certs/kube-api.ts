import {
  AdmissionregistrationV1Api,
  ApiException,
  CoreV1Api,
  PatchStrategy,
  setHeaderOptions,
  type KubeConfig,
  type V1MutatingWebhookConfiguration,
  type V1Secret,
  type V1ValidatingWebhookConfiguration,
} from '@kubernetes/client-node';
import { ConflictError, type CertificateApi, type SecretData, type StoredSecret, type WebhookCaBundle, type WebhookConfigurationRef } from './api.js';

/** CertificateApi over @kubernetes/client-node, for one Secret in meshguard's own namespace. */
export class KubernetesCertificateApi implements CertificateApi {
  private readonly core: CoreV1Api;
  private readonly admission: AdmissionregistrationV1Api;

  constructor(
    kubeConfig: KubeConfig,
    private readonly namespace: string,
    private readonly secretName: string,
  ) {
    this.core = kubeConfig.makeApiClient(CoreV1Api);
    this.admission = kubeConfig.makeApiClient(AdmissionregistrationV1Api);
  }

  async readSecret(): Promise<StoredSecret | undefined> {
    try {
      return stored(await this.core.readNamespacedSecret({ name: this.secretName, namespace: this.namespace }));
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  async createSecret(data: SecretData): Promise<StoredSecret> {
    return stored(await conflictsAsError(this.core.createNamespacedSecret({ namespace: this.namespace, body: this.secret(data) })));
  }

  async replaceSecret(data: SecretData, resourceVersion: string): Promise<StoredSecret> {
    const body = this.secret(data);
    body.metadata!.resourceVersion = resourceVersion;
    return stored(await conflictsAsError(this.core.replaceNamespacedSecret({ name: this.secretName, namespace: this.namespace, body })));
  }

  async readWebhooks({ kind, name }: WebhookConfigurationRef): Promise<WebhookCaBundle[] | undefined> {
    try {
      const configuration: V1ValidatingWebhookConfiguration | V1MutatingWebhookConfiguration =
        kind === 'ValidatingWebhookConfiguration'
          ? await this.admission.readValidatingWebhookConfiguration({ name })
          : await this.admission.readMutatingWebhookConfiguration({ name });
      return (configuration.webhooks ?? []).map((w) => ({ name: w.name, caBundle: w.clientConfig.caBundle ?? '' }));
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  async patchCaBundle({ kind, name }: WebhookConfigurationRef, webhooks: readonly WebhookCaBundle[], caBundle: string): Promise<void> {
    const body = webhooks.flatMap((webhook, i) => [
      { op: 'test', path: `/webhooks/${i}/name`, value: webhook.name },
      { op: 'add', path: `/webhooks/${i}/clientConfig/caBundle`, value: caBundle },
    ]);
    const options = setHeaderOptions('Content-Type', PatchStrategy.JsonPatch);
    if (kind === 'ValidatingWebhookConfiguration') await this.admission.patchValidatingWebhookConfiguration({ name, body }, options);
    else await this.admission.patchMutatingWebhookConfiguration({ name, body }, options);
  }

  private secret(data: SecretData): V1Secret {
    return {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: this.secretName, namespace: this.namespace, labels: { 'app.kubernetes.io/managed-by': 'meshguard' } },
      type: 'Opaque',
      data: Object.fromEntries(Object.entries(data).map(([key, value]) => [key, Buffer.from(value).toString('base64')])),
    };
  }
}

function stored(secret: V1Secret): StoredSecret {
  const data = Object.fromEntries(Object.entries(secret.data ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64').toString('utf8')]));
  return { data, resourceVersion: secret.metadata?.resourceVersion ?? '' };
}

async function conflictsAsError<T>(request: Promise<T>): Promise<T> {
  try {
    return await request;
  } catch (error) {
    if (statusOf(error) === 409) throw new ConflictError('the certificate Secret was written by someone else first');
    throw error;
  }
}

function statusOf(error: unknown): number | undefined {
  return error instanceof ApiException ? error.code : undefined;
}
