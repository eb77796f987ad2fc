import type { KubeConfig } from '@kubernetes/client-node';
import type { Registry } from 'prom-client';
import type { Logger } from '../server/logger.js';
import type { ReadinessCheck } from '../server/readiness.js';
import type { Settings } from '../settings.js';
import { CacheMetrics } from './cache-metrics.js';
import { ResourceInformer, type Backoff } from './informer.js';
import { makeKubeApis } from './kube-apis.js';
import { resolveKubeConfig } from './kubeconfig.js';
import { watchedResources } from './resources.js';
import { ClusterStore } from './store.js';
import type { ClusterView } from './view.js';

export interface LiveViewOptions {
  kubeConfig: KubeConfig;
  rootNamespace: string;
  logger: Logger;
  /** Where the cache metrics are registered (the server's /metrics registry). */
  registry: Registry;
  backoff?: Backoff;
  pageSize?: number;
}

export interface LiveView {
  /** Answers from the caches; `synced` turns true once every resource has its initial list. */
  readonly view: ClusterView;
  /** For /readyz: ready when every informer has synced; otherwise names the ones that have not. */
  readiness(): ReadinessCheck;
  start(): void;
  stop(): Promise<void>;
}

/** Retries start fast (a pod that starts before the API server answers) and settle at 30s. */
const DEFAULT_BACKOFF: Backoff = { initialMs: 500, maxMs: 30_000 };

/**
 * The ClusterView kept live by one informer (list + watch) per resource: Namespaces, ServiceAccounts,
 * Services, Pods, the five Istio kinds, and istiod's Deployments in the root namespace. Never reads
 * Secrets; each object is slimmed to the fields the rules read before it is cached.
 */
export function createLiveView(options: LiveViewOptions): LiveView {
  const { kubeConfig, rootNamespace, logger } = options;
  const metrics = new CacheMetrics(options.registry);
  const apis = makeKubeApis(kubeConfig);
  const informers: ResourceInformer[] = [];
  const store = new ClusterStore(rootNamespace, () => informers.every((i) => i.synced));
  for (const resource of watchedResources(rootNamespace)) {
    informers.push(
      new ResourceInformer({
        kubeConfig,
        apis,
        resource,
        store,
        metrics,
        logger,
        backoff: options.backoff ?? DEFAULT_BACKOFF,
        pageSize: options.pageSize ?? 500,
      }),
    );
  }
  return {
    view: store,
    readiness() {
      const pending = informers.filter((i) => !i.synced);
      if (pending.length === 0) return { ready: true };
      const errors = pending.filter((i) => i.lastError).map((i) => `${i.name}: ${i.lastError}`);
      return {
        ready: false,
        reason: `cluster caches not synced yet: ${pending.map((i) => i.name).join(', ')}${errors.length ? ` (${errors.join('; ')})` : ''}`,
      };
    },
    start() {
      logger.info({ server: kubeConfig.getCurrentCluster()?.server, rootNamespace }, 'cluster caches starting');
      for (const informer of informers) informer.start();
    },
    async stop() {
      await Promise.all(informers.map((i) => i.stop()));
    },
  };
}

/**
 * `meshguard serve`: the live view from the settings' cluster source, started; undefined when there
 * is no cluster (then the cross-resource rules are skipped and say so).
 */
export function startLiveView(
  settings: Pick<Settings, 'cluster' | 'rootNamespace'>,
  logger: Logger,
  registry: Registry,
  env: NodeJS.ProcessEnv = process.env,
): LiveView | undefined {
  const kubeConfig = resolveKubeConfig(settings.cluster.source, { kubeconfigFile: settings.cluster.kubeconfig, env });
  if (!kubeConfig) {
    logger.info({ source: settings.cluster.source }, 'no cluster: only the rules that need no cluster state run');
    return undefined;
  }
  const live = createLiveView({ kubeConfig, rootNamespace: settings.rootNamespace, logger, registry });
  live.start();
  return live;
}
