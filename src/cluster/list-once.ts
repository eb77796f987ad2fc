import type { KubeConfig } from '@kubernetes/client-node';
import { apiErrorStatus, describeApiError } from './api-errors.js';
import { listEveryPage, makeKubeApis } from './kube-apis.js';
import { isIstioResource, watchedResources, type CachedObject, type WatchedResource } from './resources.js';

/** One resource of the live view's list, as it was at one moment, its objects slimmed. */
export interface ListedResource {
  resource: WatchedResource;
  items: readonly CachedObject[];
}

export type ClusterListing = readonly ListedResource[];

export interface ListOnceOptions {
  rootNamespace: string;
  /** The deadline for the whole listing, every resource and page together. */
  timeoutMs: number;
  pageSize?: number;
}

/** The cluster state could not be listed: the message says which resource and why, in one line. */
export class ClusterListError extends Error {
  override name = 'ClusterListError';

  constructor(
    message: string,
    /** No answer before the deadline (rather than an answer that was an error). */
    readonly timedOut = false,
  ) {
    super(message);
  }
}

/**
 * Every resource the live view watches, listed once with the same calls and slimming, and no watch:
 * for a command that reads the cluster and exits. The lists run side by side under one deadline;
 * at the deadline the requests still open are aborted. Throws a ClusterListError naming the first
 * resource (in the live view's order) that failed.
 */
export async function listClusterOnce(kubeConfig: KubeConfig, options: ListOnceOptions): Promise<ClusterListing> {
  const abort = new AbortController();
  const apis = makeKubeApis(kubeConfig, abort.signal);
  const resources = watchedResources(options.rootNamespace);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    const seconds = options.timeoutMs / 1000;
    timer = setTimeout(() => reject(new ClusterListError(`the lists did not complete within ${seconds} s`, true)), options.timeoutMs);
  });
  const lists = Promise.allSettled(resources.map((resource) => listEveryPage(resource, apis, options.pageSize ?? 500)));
  try {
    const settled = await Promise.race([lists, deadline]);
    return resources.map((resource, i) => {
      const outcome = settled[i]!;
      if (outcome.status === 'rejected') throw new ClusterListError(describeListFailure(resource, outcome.reason));
      return { resource, items: outcome.value.items };
    });
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}

function describeListFailure(resource: WatchedResource, error: unknown): string {
  const name = resource.group ? `${resource.name}.${resource.group}` : resource.name;
  const where = resource.namespace ? ` in namespace ${resource.namespace}` : '';
  const failed = `listing ${name}${where} failed: ${describeApiError(error)}`;
  switch (apiErrorStatus(error)) {
    case 401:
      return `${failed}: the API server does not accept the credentials of this context`;
    case 403:
      return `${failed}: the user needs list on ${name}${where || ' in every namespace'}, like the rest of meshguard's read-only access`;
    case 404:
      return isIstioResource(resource)
        ? `${failed}: the API server does not serve ${name}/${resource.version}, so Istio's CRDs (Istio 1.22 or later) are not installed`
        : failed;
    default:
      return failed;
  }
}
