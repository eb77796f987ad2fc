import { parseAllDocuments } from 'yaml';
import { isRecord } from '../admission/review.js';
import { KIND_VERSIONS, ruleKindOf } from '../istio/kinds.js';
import { describeShapeIssue, shapeIssue } from '../istio/shape.js';
import type { KubeObject } from '../k8s/types.js';
import { CronJobShape, TemplatedWorkloadShape, slimmer, type PodObject, type PodTemplateObject, type Slimmer } from './kube-shapes.js';
import type { ClusterListing } from './list-once.js';
import type { Labels } from './model.js';
import { podOwners } from './pod-owner.js';
import { plannedWorkload } from './project.js';
import {
  ISTIO_KINDS,
  ISTIO_RESOURCES,
  ISTIOD_SELECTOR,
  namespaceOf,
  slimIstiod,
  slimPod,
  watchedResources,
  type WatchedResource,
} from './resources.js';
import { ClusterStore } from './store.js';
import type { ClusterView, IstioKind } from './view.js';

export interface ManifestViewOptions {
  /** Whether rules that need cluster state may trust this view; default true. */
  synced?: boolean;
  /** Istio's root namespace (settings `rootNamespace`); default istio-system. */
  rootNamespace?: string;
  /** Where objects without `metadata.namespace` go, as `kubectl apply` would put them; default `default`. */
  defaultNamespace?: string;
  /**
   * The live cluster, listed once (`meshguard check --cluster`): the manifests are the change applied
   * on top of it. An object in the manifests replaces the cluster's object of the same kind, namespace
   * and name, and a workload in the manifests replaces the running pods it made (its template stands
   * for them); everything else comes from the cluster.
   */
  cluster?: ClusterListing;
}

/** A document the view could not read, and why (the offline check reports these). */
export interface SkippedManifest {
  /** Position among the objects given (after `List` items are expanded), from 0. */
  index: number;
  kind: string;
  name: string;
  reason: string;
}

export interface ManifestView extends ClusterView {
  readonly skipped: readonly SkippedManifest[];
}

const slimTemplated = slimmer(TemplatedWorkloadShape);
const slimCronJob = slimmer(CronJobShape);
const TEMPLATED_KINDS: Readonly<Record<string, string>> = {
  Deployment: 'apps',
  StatefulSet: 'apps',
  DaemonSet: 'apps',
  ReplicaSet: 'apps',
  Job: 'batch',
};

/**
 * The cluster as a set of manifests describes it: Namespaces, ServiceAccounts, Services, Pods and the
 * pod templates of Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs and CronJobs, the five
 * Istio kinds in every served version, and istiod's Deployment; `List` kinds are expanded and other
 * kinds ignored. Pods and templates are what will run: they have a sidecar when they carry
 * `istio-proxy` or when Istio's injector will add one, given the Namespace manifests' labels (or,
 * with `cluster`, the cluster's Namespaces). The objects given are not modified.
 */
export function buildManifestView(objects: KubeObject[], options: ManifestViewOptions = {}): ManifestView {
  const rootNamespace = options.rootNamespace ?? 'istio-system';
  const defaultNamespace = options.defaultNamespace ?? 'default';
  const synced = options.synced ?? true;
  const store = new ClusterStore(rootNamespace, () => synced);
  const skipped: SkippedManifest[] = [];
  const items = expandLists(objects);
  const resources = new Map(watchedResources(rootNamespace).map((r) => [r.name, r]));
  const resource = (name: string) => resources.get(name)!;

  const read = <T>(index: number, object: KubeObject, slim: Slimmer<T>): T | undefined => {
    const slimmed = slim(structuredClone(object));
    if (!slimmed) skipped.push({ index, kind: object.kind ?? '', name: object.metadata?.name ?? '', reason: slim.problem() });
    return slimmed;
  };
  const upsert = (index: number, object: KubeObject, watched: WatchedResource) => {
    const slimmed = read(index, object, watched.slim);
    if (slimmed) watched.upsert(store, slimmed);
  };

  if (options.cluster) loadCluster(store, options.cluster, plannedWorkloads(items, defaultNamespace));

  // Namespaces first: injection of the pods below depends on their labels.
  items.forEach((object, index) => {
    if (typeOf(object) === '/Namespace') upsert(index, object, resource('namespaces'));
  });
  const namespaceLabels = (namespace: string): Labels | undefined => store.namespace(namespace)?.labels;

  items.forEach((object, index) => {
    const type = typeOf(object);
    const [group, kind] = type.split('/') as [string, string];
    const namespace = object.metadata?.namespace || defaultNamespace;
    const addTemplate = (ref: string, template: PodTemplateObject, pods: number) =>
      store.setWorkload(plannedWorkload(ref, namespace, namespaceLabels(namespace), template, pods));

    if (type === '/ServiceAccount') upsert(index, withNamespace(object, namespace), resource('serviceaccounts'));
    else if (type === '/Service') upsert(index, withNamespace(object, namespace), resource('services'));
    else if (type === '/Pod') {
      const pod = read(index, object, slimPod);
      if (pod) addTemplate(`Pod/${pod.metadata.name}`, pod, 1);
    } else if (TEMPLATED_KINDS[kind] === group) {
      if (type === 'apps/Deployment' && namespace === rootNamespace && isIstiod(object)) {
        const istiod = read(index, object, slimIstiod);
        if (istiod) resource('deployments').upsert(store, istiod);
      }
      const workload = read(index, object, slimTemplated);
      if (workload) addTemplate(`${kind}/${workload.metadata.name}`, workload.spec.template, podsOf(kind, workload.spec));
    } else if (type === 'batch/CronJob') {
      const cronJob = read(index, object, slimCronJob);
      if (cronJob) addTemplate(`CronJob/${cronJob.metadata.name}`, cronJob.spec.jobTemplate.spec.template, 1);
    } else {
      const istioKind = istioKindOf(object);
      if (!istioKind) return;
      const issue = shapeIssue(istioKind, object);
      if (issue) skipped.push({ index, kind: istioKind, name: object.metadata?.name ?? '', reason: describeShapeIssue(issue) });
      else upsert(index, withNamespace(object, namespace), resource(ISTIO_RESOURCES[istioKind]));
    }
  });
  return Object.assign(store, { skipped });
}

/** The cluster's objects, less the pods of the workloads the manifests hold (`namespace/Kind/name`). */
function loadCluster(store: ClusterStore, listing: ClusterListing, replacedWorkloads: ReadonlySet<string>): void {
  for (const { resource, items } of listing) {
    for (const item of items) {
      const namespace = namespaceOf(item);
      if (resource.name === 'pods' && podOwners(item as PodObject).some((owner) => replacedWorkloads.has(`${namespace}/${owner}`))) continue;
      resource.upsert(store, item);
    }
  }
}

function plannedWorkloads(items: readonly KubeObject[], defaultNamespace: string): Set<string> {
  const planned = new Set<string>();
  for (const object of items) {
    const [group, kind] = typeOf(object).split('/') as [string, string];
    if (TEMPLATED_KINDS[kind] === group || `${group}/${kind}` === 'batch/CronJob') {
      planned.add(`${object.metadata?.namespace || defaultNamespace}/${kind}/${object.metadata?.name}`);
    }
  }
  return planned;
}

/** Multi-document YAML (`---`), as `kubectl apply -f` reads it; for tests and the offline check. */
export function manifestViewFromYaml(text: string, options: ManifestViewOptions = {}): ManifestView {
  const objects: KubeObject[] = [];
  for (const document of parseAllDocuments(text)) {
    if (document.errors.length > 0) throw new Error(`invalid YAML: ${document.errors[0]!.message}`);
    const value: unknown = document.toJS();
    if (isRecord(value)) objects.push(value as KubeObject);
  }
  return buildManifestView(objects, options);
}

/** `group/kind` (`/Pod`, `apps/Deployment`), or `` for anything that is not an object with both. */
function typeOf(object: KubeObject): string {
  if (!isRecord(object) || typeof object.apiVersion !== 'string' || typeof object.kind !== 'string') return '';
  const slash = object.apiVersion.lastIndexOf('/');
  return `${slash < 0 ? '' : object.apiVersion.slice(0, slash)}/${object.kind}`;
}

function istioKindOf(object: KubeObject): IstioKind | undefined {
  const [group = '', version = ''] = (object.apiVersion ?? '').split('/');
  const kind = ruleKindOf(group, object.kind ?? '');
  return kind && isIstioKind(kind) && KIND_VERSIONS[kind].includes(version) ? kind : undefined;
}

function isIstioKind(kind: string): kind is IstioKind {
  return (ISTIO_KINDS as readonly string[]).includes(kind);
}

function isIstiod(object: KubeObject): boolean {
  const [key, value] = ISTIOD_SELECTOR.split('=');
  return object.metadata?.labels?.[key!] === value;
}

function podsOf(kind: string, spec: { replicas?: number; parallelism?: number }): number {
  if (kind === 'Job') return spec.parallelism ?? 1;
  if (kind === 'DaemonSet') return 1;
  return spec.replicas ?? 1;
}

function withNamespace(object: KubeObject, namespace: string): KubeObject {
  return object.metadata?.namespace === namespace ? object : { ...object, metadata: { ...object.metadata, namespace } };
}

/** `List` and `*List` documents (`kubectl get -o yaml`) hold their objects in `items`. */
function expandLists(objects: readonly unknown[]): KubeObject[] {
  const out: KubeObject[] = [];
  for (const object of objects) {
    if (!isRecord(object)) continue;
    if (typeof object.kind === 'string' && object.kind.endsWith('List') && Array.isArray(object.items)) out.push(...expandLists(object.items));
    else out.push(object as KubeObject);
  }
  return out;
}
