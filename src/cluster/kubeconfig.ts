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
  /** `cluster.kubeconfig` from the settings, or `--kubeconfig`: an explicit file wins over everything else. */
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
  if (sources.kubeconfigFile === undefined && inPod(sources)) return inClusterConfig();
  const files = kubeconfigFiles(sources);
  if (files !== undefined) return loadKubeconfigFiles(files);
  if (source === 'kubernetes') throw new ClusterConfigError('cluster.source is kubernetes, but there is no in-cluster service account, KUBECONFIG or ~/.kube/config');
  return undefined;
}

/**
 * kubectl's order, for the command line: `--kubeconfig`, else `KUBECONFIG`, else `~/.kube/config`,
 * else the in-cluster service account (a CI job in a pod that sets KUBECONFIG means that cluster, not
 * the pod's own). `context` replaces the current context, like `kubectl --context`. Returns undefined
 * when there is none of them.
 */
export function resolveKubectlConfig(sources: KubeConfigSources & { context?: string }): KubeConfig | undefined {
  const files = kubeconfigFiles(sources);
  if (files !== undefined) return loadKubeconfigFiles(files, sources.context);
  if (!inPod(sources)) return undefined;
  const kubeConfig = inClusterConfig();
  if (sources.context !== undefined) useContext(kubeConfig, sources.context, 'the in-cluster configuration');
  return kubeConfig;
}

function loadKubeconfigFiles(files: readonly string[], context?: string): KubeConfig {
  const where = `kubeconfig ${files.join(delimiter)}`;
  const existing = files.filter((file) => existsSync(file));
  if (existing.length === 0) throw new ClusterConfigError(files.length === 1 ? `${where} does not exist` : `${where}: none of these files exists`);
  const kubeConfig = mergeKubeconfigs(existing.map(readKubeconfigFile));
  if (context !== undefined) useContext(kubeConfig, context, where);
  if (!kubeConfig.getCurrentCluster()) {
    throw new ClusterConfigError(`${where} has no ${context === undefined ? 'current context' : `context "${context}"`} with a cluster`);
  }
  return kubeConfig;
}

function readKubeconfigFile(file: string): KubeConfig {
  const kubeConfig = new KubeConfig();
  try {
    kubeConfig.loadFromFile(file);
  } catch (error) {
    throw new ClusterConfigError(`kubeconfig ${file} cannot be read: ${(error as Error).message}`);
  }
  return kubeConfig;
}

/**
 * kubectl's merge of the files KUBECONFIG lists: the first file to name a cluster, user or context
 * wins, and so does the first current-context that is set (client-node's mergeConfig throws on a name
 * defined twice and lets later files replace the current context).
 */
function mergeKubeconfigs(configs: readonly KubeConfig[]): KubeConfig {
  if (configs.length === 1) return configs[0]!;
  const merged = new KubeConfig();
  merged.loadFromOptions({
    clusters: firstOfEachName(configs.flatMap((config) => config.clusters)),
    users: firstOfEachName(configs.flatMap((config) => config.users)),
    contexts: firstOfEachName(configs.flatMap((config) => config.contexts)),
    currentContext: configs.find((config) => config.currentContext)?.currentContext ?? '',
  });
  return merged;
}

function firstOfEachName<T extends { name: string }>(items: readonly T[]): T[] {
  const seen = new Set<string>();
  return items.filter((item) => !seen.has(item.name) && Boolean(seen.add(item.name)));
}

function useContext(kubeConfig: KubeConfig, context: string, where: string): void {
  if (!kubeConfig.getContextObject(context)) {
    const known = kubeConfig.getContexts().map((c) => c.name);
    throw new ClusterConfigError(`${where} has no context "${context}" (contexts: ${known.join(', ') || 'none'})`);
  }
  kubeConfig.setCurrentContext(context);
}

function inPod(sources: KubeConfigSources): boolean {
  return Boolean(sources.env.KUBERNETES_SERVICE_HOST) && existsSync(sources.serviceAccountToken ?? SERVICE_ACCOUNT_TOKEN);
}

function inClusterConfig(): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromCluster();
  return kubeConfig;
}

/** The explicit file, else every file KUBECONFIG lists (merged as kubectl does), else ~/.kube/config when it exists. */
function kubeconfigFiles({ kubeconfigFile, env, home = homedir() }: KubeConfigSources): string[] | undefined {
  if (kubeconfigFile !== undefined) return [kubeconfigFile];
  const listed = (env.KUBECONFIG ?? '').split(delimiter).filter(Boolean);
  if (listed.length > 0) return listed;
  const standard = join(home, '.kube', 'config');
  return existsSync(standard) ? [standard] : undefined;
}
