import type { AppsV1Api, CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { KIND_GROUPS } from '../istio/kinds.js';
import {
  IstioObjectShape,
  IstiodDeploymentShape,
  NamespaceShape,
  PodShape,
  ServiceAccountShape,
  ServiceShape,
  slimmer,
  type Slimmer,
} from './kube-shapes.js';
import { istiodTlsOnSidecarIngress, livePodWorkload, namespaceInfo, policyObject, serviceInfo } from './project.js';
import type { ClusterStore } from './store.js';
import type { IstioKind } from './view.js';

/** What every cached object keeps: enough to key it and resume a watch. */
export interface CachedObject {
  metadata: { name: string; namespace?: string; resourceVersion?: string };
}

/** The typed API clients the list calls go through (authentication and TLS come from the kubeconfig). */
export interface KubeApis {
  core: CoreV1Api;
  apps: AppsV1Api;
  custom: CustomObjectsApi;
}

/** One page of a paginated list call. */
export interface PageRequest {
  limit: number;
  _continue?: string;
}

/** One API resource the live view lists and watches, and how its objects enter and leave the store. */
export interface WatchedResource<T extends CachedObject = CachedObject> {
  /** The resource name (plural), used in metrics, logs and the readiness message. */
  name: string;
  group: string;
  version: string;
  /** Set for resources read in one namespace only (istiod in the root namespace). */
  namespace?: string;
  labelSelector?: string;
  slim: Slimmer<T>;
  /** One page of the list; the answer is a typed `...List` or, for Istio kinds, the raw JSON list. */
  list(apis: KubeApis, page: PageRequest): Promise<unknown>;
  upsert(store: ClusterStore, object: T): void;
  remove(store: ClusterStore, object: T): void;
}

const slimNamespace = slimmer(NamespaceShape);
const slimServiceAccount = slimmer(ServiceAccountShape);
const slimService = slimmer(ServiceShape);
export const slimPod = slimmer(PodShape);
export const slimIstiod = slimmer(IstiodDeploymentShape);
const slimIstioObject = slimmer(IstioObjectShape);

export const namespaceOf = (object: CachedObject, fallback = 'default') => object.metadata.namespace || fallback;

/** Pods that have finished (a Job's completed pods) serve no traffic and are left out. */
const TERMINAL_PHASES = new Set(['Succeeded', 'Failed']);

/** The Istio kinds and their API resource names. */
export const ISTIO_RESOURCES: Readonly<Record<IstioKind, string>> = {
  PeerAuthentication: 'peerauthentications',
  AuthorizationPolicy: 'authorizationpolicies',
  RequestAuthentication: 'requestauthentications',
  DestinationRule: 'destinationrules',
  Sidecar: 'sidecars',
};

export const ISTIO_KINDS = Object.keys(ISTIO_RESOURCES) as IstioKind[];

const ISTIO_PLURALS: ReadonlySet<string> = new Set(Object.values(ISTIO_RESOURCES));

export const isIstioResource = (resource: WatchedResource): boolean => ISTIO_PLURALS.has(resource.name);

/** The label istiod's Deployments carry in every Istio install (istioctl, Helm chart `istiod`). */
export const ISTIOD_SELECTOR = 'app=istiod';

/** Erases the object type once: `slim` produces exactly the objects `upsert` and `remove` receive. */
function defineResource<T extends CachedObject>(resource: WatchedResource<T>): WatchedResource {
  return resource as unknown as WatchedResource;
}

function istioResource(kind: IstioKind): WatchedResource {
  return defineResource({
    name: ISTIO_RESOURCES[kind],
    group: KIND_GROUPS[kind],
    version: 'v1',
    slim: slimIstioObject,
    list: (apis, page) => apis.custom.listClusterCustomObject({ group: KIND_GROUPS[kind], version: 'v1', plural: ISTIO_RESOURCES[kind], ...page }),
    upsert: (store, object) => store.setPolicy(policyObject(kind, object, namespaceOf(object))),
    remove: (store, object) => store.deletePolicy(kind, namespaceOf(object), object.metadata.name),
  });
}

/**
 * Everything the live view reads. Istio kinds are read at v1 (served since Istio 1.22; objects
 * created as v1beta1 are the same objects). istiod is read only in the root namespace.
 */
export function watchedResources(rootNamespace: string): WatchedResource[] {
  return [
    defineResource({
      name: 'namespaces',
      group: '',
      version: 'v1',
      slim: slimNamespace,
      list: (apis, page) => apis.core.listNamespace(page),
      upsert: (store, object) => store.setNamespace(namespaceInfo(object)),
      remove: (store, object) => store.deleteNamespace(object.metadata.name),
    }),
    defineResource({
      name: 'serviceaccounts',
      group: '',
      version: 'v1',
      slim: slimServiceAccount,
      list: (apis, page) => apis.core.listServiceAccountForAllNamespaces(page),
      upsert: (store, object) => store.setServiceAccount(namespaceOf(object), object.metadata.name, true),
      remove: (store, object) => store.setServiceAccount(namespaceOf(object), object.metadata.name, false),
    }),
    defineResource({
      name: 'services',
      group: '',
      version: 'v1',
      slim: slimService,
      list: (apis, page) => apis.core.listServiceForAllNamespaces(page),
      upsert: (store, object) => store.setService(serviceInfo(object, namespaceOf(object))),
      remove: (store, object) => store.deleteService(namespaceOf(object), object.metadata.name),
    }),
    defineResource({
      name: 'pods',
      group: '',
      version: 'v1',
      slim: slimPod,
      list: (apis, page) => apis.core.listPodForAllNamespaces(page),
      upsert: (store, object) => {
        if (TERMINAL_PHASES.has(object.status?.phase ?? '')) store.deleteWorkload(namespaceOf(object), `Pod/${object.metadata.name}`);
        else store.setWorkload(livePodWorkload(object, namespaceOf(object)));
      },
      remove: (store, object) => store.deleteWorkload(namespaceOf(object), `Pod/${object.metadata.name}`),
    }),
    defineResource({
      name: 'deployments',
      group: 'apps',
      version: 'v1',
      namespace: rootNamespace,
      labelSelector: ISTIOD_SELECTOR,
      slim: slimIstiod,
      list: (apis, page) => apis.apps.listNamespacedDeployment({ namespace: rootNamespace, labelSelector: ISTIOD_SELECTOR, ...page }),
      upsert: (store, object) => store.setIstiod(object.metadata.name, istiodTlsOnSidecarIngress(object)),
      remove: (store, object) => store.deleteIstiod(object.metadata.name),
    }),
    ...ISTIO_KINDS.map(istioResource),
  ];
}

/** The collection path, `/api/v1/pods`, `/apis/apps/v1/namespaces/istio-system/deployments`. */
export function resourcePath(resource: WatchedResource): string {
  const prefix = resource.group === '' ? `/api/${resource.version}` : `/apis/${resource.group}/${resource.version}`;
  return `${prefix}${resource.namespace ? `/namespaces/${resource.namespace}` : ''}/${resource.name}`;
}
