import { ClusterConfigError, resolveKubeConfig } from '../cluster/kubeconfig.js';
import type { Logger } from '../server/logger.js';
import type { Metrics } from '../server/metrics.js';
import type { Settings } from '../settings.js';
import { FileCertificateSource } from './file-source.js';
import { KubernetesCertificateApi } from './kube-api.js';
import { SelfManagedCertificates } from './self-managed.js';
import type { CertificateSource } from './source.js';

/**
 * The certificate source the settings ask for. Self-managed talks to the API server found as the live
 * view finds it (`cluster.kubeconfig`, else the pod's service account, else KUBECONFIG or
 * ~/.kube/config), whatever `cluster.source` says: it cannot work without one, so none is a start-up error.
 */
export function certificateSourceFor(settings: Settings, logger: Logger, metrics: Metrics, env: NodeJS.ProcessEnv = process.env): CertificateSource {
  const { source, selfManaged } = settings.certificates;
  if (source === 'files') return new FileCertificateSource(settings.server.certDir, logger, metrics);
  if (!selfManaged) throw new Error('certificates.selfManaged is required when certificates.source is self-managed');
  const kubeConfig = resolveKubeConfig('auto', { kubeconfigFile: settings.cluster.kubeconfig, env });
  if (!kubeConfig) throw new ClusterConfigError('certificates.source is self-managed, but there is no in-cluster service account, cluster.kubeconfig, KUBECONFIG or ~/.kube/config');
  const api = new KubernetesCertificateApi(kubeConfig, selfManaged.namespace, selfManaged.secretName);
  return new SelfManagedCertificates({ api, settings: selfManaged, logger, metrics });
}
