import { watchedResources } from './resources.js';

export interface RbacRule {
  /** '' is the core API group. */
  apiGroup: string;
  resource: string;
  verbs: readonly string[];
  /** cluster: a ClusterRole rule; rootNamespace: a Role in Istio's root namespace (settings `rootNamespace`). */
  scope: 'cluster' | 'rootNamespace';
}

/**
 * Exactly the access the live ClusterView needs: list and watch on the resources it reads and nothing
 * else (no `get`: informers never read a single object; no Secrets, no writes). Derived from the
 * resources the informers watch, so the two cannot drift; the Helm chart's ClusterRole and Role are
 * checked against it, and both against the requests the live view really makes.
 */
export const CLUSTER_VIEW_RBAC: readonly RbacRule[] = watchedResources('istio-system').map((resource) => ({
  apiGroup: resource.group,
  resource: resource.name,
  verbs: ['list', 'watch'],
  scope: resource.namespace === undefined ? 'cluster' : 'rootNamespace',
}));
