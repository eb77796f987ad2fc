import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { SettingsError } from '../settings.js';

export type ClusterSource = 'auto' | 'kubernetes' | 'none';

/** A cluster source that cannot be used: reported at start-up like any settings error. */
export class ClusterConfigError extends SettingsError {}

const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

export interface KubeConfigSources {
  /** `cluster.kubeconfig` from the settings: an explicit file wins over everything else. */
  kubeconfigFile?: string;
  env: NodeJS.ProcessEnv;
  /** Where the pod's service account token is mounted (tests point it elsewhere). */
  serviceAccountToken?: string;
  home?: string;
}

/**
 * Where the live view reads the cluster from: the settings' kubeconfig file; else, inside a pod, the
 * in-cluster service account; else `KUBECONFIG` or `~/.kube/config`. With `auto` and none of them,
 * meshguard runs without cluster state; with `kubernetes` that is a start-up error; `none` never
 * connects. Returns undefined for "no cluster".
 */
export function resolveKubeConfig(source: ClusterSource, sources: KubeConfigSources): KubeConfig | undefined {
  if (source === 'none') return undefined;
  const kubeConfig = new KubeConfig();
  const file = sources.kubeconfigFile ?? kubeconfigFromEnvironment(sources);
  if (sources.kubeconfigFile === undefined && sources.env.KUBERNETES_SERVICE_HOST && existsSync(sources.serviceAccountToken ?? SERVICE_ACCOUNT_TOKEN)) {
    kubeConfig.loadFromCluster();
  } else if (file !== undefined) {
    if (!existsSync(file)) throw new ClusterConfigError(`kubeconfig ${file} does not exist`);
    try {
      kubeConfig.loadFromFile(file);
    } catch (error) {
      throw new ClusterConfigError(`kubeconfig ${file} cannot be read: ${(error as Error).message}`);
    }
    if (!kubeConfig.getCurrentCluster()) throw new ClusterConfigError(`kubeconfig ${file} has no current context with a cluster`);
  } else if (source === 'kubernetes') {
    throw new ClusterConfigError('cluster.source is kubernetes, but there is no in-cluster service account, KUBECONFIG or ~/.kube/config');
  } else {
    return undefined;
  }
  return kubeConfig;
}

function kubeconfigFromEnvironment({ env, home = homedir() }: KubeConfigSources): string | undefined {
  const listed = (env.KUBECONFIG ?? '').split(delimiter).filter(Boolean);
  if (listed.length > 0) return listed.find((f) => existsSync(f)) ?? listed[0];
  const standard = join(home, '.kube', 'config');
  return existsSync(standard) ? standard : undefined;
}
