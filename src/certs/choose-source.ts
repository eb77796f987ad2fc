import { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from '../server/logger.js';
import type { Metrics } from '../server/metrics.js';
import type { Settings } from '../settings.js';
import { FileCertificateSource } from './file-source.js';
import { KubernetesCertificateApi } from './kube-api.js';
import { SelfManagedCertificates } from './self-managed.js';
import type { CertificateSource } from './source.js';

/** The certificate source the settings ask for; self-managed talks to the API server with the pod's service account. */
export function certificateSourceFor(settings: Settings, logger: Logger, metrics: Metrics): CertificateSource {
  const { source, selfManaged } = settings.certificates;
  if (source === 'files') return new FileCertificateSource(settings.server.certDir, logger, metrics);
  if (!selfManaged) throw new Error('certificates.selfManaged is required when certificates.source is self-managed');
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromDefault();
  const api = new KubernetesCertificateApi(kubeConfig, selfManaged.namespace, selfManaged.secretName);
  return new SelfManagedCertificates({ api, settings: selfManaged, logger, metrics });
}
