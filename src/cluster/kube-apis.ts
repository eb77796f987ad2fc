import { AppsV1Api, CoreV1Api, CustomObjectsApi, ServerConfiguration, createConfiguration, type KubeConfig } from '@kubernetes/client-node';
import type { CachedObject, KubeApis, WatchedResource } from './resources.js';

/**
 * The typed API clients of the kubeconfig's current cluster. With a signal, every request they send
 * is aborted when it fires (a one-shot list bounded by a deadline).
 */
export function makeKubeApis(kubeConfig: KubeConfig, signal?: AbortSignal): KubeApis {
  if (!signal) {
    return { core: kubeConfig.makeApiClient(CoreV1Api), apps: kubeConfig.makeApiClient(AppsV1Api), custom: kubeConfig.makeApiClient(CustomObjectsApi) };
  }
  const server = kubeConfig.getCurrentCluster()?.server;
  if (!server) throw new Error('No active cluster!');
  const configuration = createConfiguration({
    baseServer: new ServerConfiguration(server, {}),
    authMethods: { default: kubeConfig },
    promiseMiddleware: [{ pre: async (request) => (request.setSignal(signal), request), post: async (response) => response }],
  });
  return { core: new CoreV1Api(configuration), apps: new AppsV1Api(configuration), custom: new CustomObjectsApi(configuration) };
}

/** Every page of a resource's list, each object slimmed (objects that do not match the shape are left out). */
export async function listEveryPage(resource: WatchedResource, apis: KubeApis, pageSize: number): Promise<{ items: CachedObject[]; resourceVersion?: string }> {
  const items: CachedObject[] = [];
  let resourceVersion: string | undefined;
  let continueToken: string | undefined;
  do {
    const page = listPage(await resource.list(apis, { limit: pageSize, ...(continueToken ? { _continue: continueToken } : {}) }));
    for (const item of page.items) {
      const slim = resource.slim(item);
      if (slim) items.push(slim);
    }
    resourceVersion = page.resourceVersion;
    continueToken = page.continueToken;
  } while (continueToken);
  return { items, resourceVersion };
}

/** Typed lists carry `metadata._continue`, raw JSON lists `metadata.continue`. */
function listPage(list: unknown): { items: unknown[]; resourceVersion?: string; continueToken?: string } {
  const { items, metadata } = (list ?? {}) as { items?: unknown; metadata?: { resourceVersion?: string; _continue?: string; continue?: string } };
  return {
    items: Array.isArray(items) ? items : [],
    resourceVersion: metadata?.resourceVersion,
    continueToken: metadata?._continue || metadata?.continue || undefined,
  };
}
