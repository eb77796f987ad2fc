import type { KubeConfig } from '@kubernetes/client-node';
import { ClusterConfigError, resolveKubectlConfig } from '../cluster/kubeconfig.js';
import { ClusterListError, listClusterOnce, type ClusterListing } from '../cluster/list-once.js';
import { buildManifestView, type ManifestView } from '../cluster/manifest-view.js';
import { ISTIO_RESOURCES, isIstioResource } from '../cluster/resources.js';
import type { IstioKind } from '../cluster/view.js';
import type { KubeObject } from '../k8s/types.js';

/** `--cluster` and the flags that go with it, as kubectl spells them. */
export interface ClusterFlags {
  kubeconfig?: string;
  context?: string;
  timeoutSeconds: number;
}

/** The cluster state `check --cluster` applies the manifests to, and where it came from. */
export interface LiveCluster {
  context: string;
  server: string;
  /** The context's namespace: where objects without one go unless `--namespace` says otherwise, as with kubectl. */
  namespace?: string;
  /** How many objects were listed. */
  objects: number;
  /** The view of these manifests applied on top of the cluster (`viewWithCluster`). */
  view(objects: KubeObject[], options: ViewOptions): ManifestView;
}

interface ViewOptions {
  rootNamespace: string;
  defaultNamespace: string;
}

/** The cluster could not be read: the run gives no verdict (exit 2), and the message says why. */
export class ClusterUnavailableError extends Error {
  override name = 'ClusterUnavailableError';
}

/**
 * Lists the live cluster once with the kubeconfig (kubectl's order: `--kubeconfig`, `KUBECONFIG`,
 * `~/.kube/config`, the in-cluster service account) and `--context`, within the timeout.
 */
export async function readLiveCluster(flags: ClusterFlags, env: NodeJS.ProcessEnv, rootNamespace: string): Promise<LiveCluster> {
  let kubeConfig: KubeConfig | undefined;
  try {
    kubeConfig = resolveKubectlConfig({ kubeconfigFile: flags.kubeconfig, context: flags.context, env });
  } catch (error) {
    if (error instanceof ClusterConfigError) throw new ClusterUnavailableError(`--cluster: ${error.message}`);
    throw error;
  }
  if (!kubeConfig) throw new ClusterUnavailableError('--cluster: no kubeconfig: pass --kubeconfig FILE, set KUBECONFIG, or create ~/.kube/config');
  const context = kubeConfig.getCurrentContext();
  const server = kubeConfig.getCurrentCluster()?.server ?? '';
  try {
    const listing = await listClusterOnce(kubeConfig, { rootNamespace, timeoutMs: flags.timeoutSeconds * 1000 });
    return {
      context,
      server,
      namespace: kubeConfig.getContextObject(context)?.namespace,
      objects: listing.reduce((sum, { items }) => sum + items.length, 0),
      view: (objects, options) => viewWithCluster(objects, listing, options),
    };
  } catch (error) {
    if (!(error instanceof ClusterListError)) throw error;
    const hint = error.timedOut ? '; raise --cluster-timeout if the cluster is only slow' : '';
    throw new ClusterUnavailableError(`cannot read the cluster state of context "${context}" (server ${server}): ${error.message}${hint}`);
  }
}

/**
 * The view of `check --cluster`: the manifests applied on top of the cluster. An Istio object that
 * exists in the cluster takes the cluster object's creationTimestamp first, in the view and as the
 * object judged: `kubectl apply` updates it and the API server keeps its creation time, which decides
 * Istio's precedence (the oldest policy wins).
 */
export function viewWithCluster(objects: KubeObject[], listing: ClusterListing, options: ViewOptions): ManifestView {
  const created = creationTimes(listing);
  for (const { kind, metadata } of objects) {
    if (!kind || !Object.hasOwn(ISTIO_RESOURCES, kind) || !metadata) continue;
    const creationTimestamp = created.get(`${ISTIO_RESOURCES[kind as IstioKind]}/${metadata.namespace}/${metadata.name}`);
    if (creationTimestamp) metadata.creationTimestamp = creationTimestamp;
  }
  return buildManifestView(objects, { ...options, cluster: listing });
}

/** `peerauthentications/ns/name` ▶ creationTimestamp, for the Istio objects of the cluster. */
function creationTimes(listing: ClusterListing): Map<string, string> {
  const times = new Map<string, string>();
  for (const { resource, items } of listing) {
    if (!isIstioResource(resource)) continue;
    for (const item of items) {
      const { namespace, name, creationTimestamp } = item.metadata as { namespace?: string; name: string; creationTimestamp?: string };
      if (creationTimestamp) times.set(`${resource.name}/${namespace}/${name}`, creationTimestamp);
    }
  }
  return times;
}
