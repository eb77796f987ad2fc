import type { KindSpecs } from '../istio/kinds.js';
import type { MeshCount } from './mesh-tally.js';
import type { EffectiveMtls, Labels, NamespaceInfo, PolicyObject, ServiceInfo, WorkloadInfo } from './model.js';
import type { NamespaceCounts } from './namespace-counter.js';
import type { WorkloadFacts } from './workload-facts.js';

export type IstioKind = 'PeerAuthentication' | 'AuthorizationPolicy' | 'RequestAuthentication' | 'DestinationRule' | 'Sidecar';

/**
 * A change to judge: the view answers as if the object under review were already stored (upsert) or
 * already gone (delete). Rules evaluate "the world after this apply" through `view.withChange(...)`.
 */
export type PendingChange =
  | { type: 'upsert'; object: PolicyObject<IstioKind> }
  | { type: 'delete'; kind: IstioKind; namespace: string; name: string };

/**
 * The read-only cluster state the cross-resource rules consult. Two implementations: live (informers)
 * and manifests (YAML files). Every query is answered from in-memory indexes, never an API call, and
 * its cost does not grow with the size of the cluster beyond the size of its answer.
 */
export interface ClusterView {
  /** True once every cache has its initial list; rules with `needsCluster` are skipped before. */
  readonly synced: boolean;

  namespace(name: string): NamespaceInfo | undefined;
  namespaces(): Iterable<NamespaceInfo>;
  serviceAccountExists(namespace: string, name: string): boolean;

  /** Workloads in a namespace whose labels match `selector` (undefined or empty: all of them). */
  workloads(namespace: string, selector?: Labels): readonly WorkloadInfo[];
  /** Every workload in the cluster (for "who calls" questions such as unmeshed callers). */
  allWorkloads(): Iterable<WorkloadInfo>;
  /** Pod counts of a namespace, by whether they have a sidecar. */
  podCounts(namespace: string): { meshed: number; unmeshed: number };

  service(namespace: string, name: string): ServiceInfo | undefined;
  /** Services in the workload's namespace whose selector matches its labels. */
  servicesSelecting(workload: WorkloadInfo): readonly ServiceInfo[];
  /**
   * The workload's Service ports, receiving ports, selecting PeerAuthentications and Sidecar TLS ports,
   * derived when the workload or an object that reaches it changes: a lookup on the request path.
   */
  workloadFacts(workload: WorkloadInfo): WorkloadFacts;
  /**
   * A mesh-wide count (`MeshCount`) per namespace, kept up to date on every update so that a mesh-wide
   * policy is judged without visiting every workload: totals in O(1), and the namespaces where the
   * count is not zero, to name a few examples. A view from `withChange` whose change moves the count (a
   * PeerAuthentication or Sidecar) counts again by visiting every workload; the rules never ask it.
   */
  meshCounts(count: MeshCount): NamespaceCounts;
  /**
   * Services a host names, as Istio resolves it from `fromNamespace` (ResolveShortnameToFQDN): a name
   * without a dot is relative to `fromNamespace`; anything with a dot is taken as written, so only
   * `name.ns.svc.cluster.local` names a Service (`name.ns` and `name.ns.svc` name none, as in Istio);
   * `*.ns.svc.cluster.local` is every Service of `ns`; `*`, `*.svc.cluster.local`, `*.cluster.local`
   * every Service. The cluster domain is assumed to be `cluster.local`.
   */
  servicesForHost(host: string, fromNamespace: string): readonly ServiceInfo[];

  /** Istio objects of one kind in a namespace, oldest first (Istio's precedence order). */
  policies<K extends IstioKind>(kind: K, namespace: string): ReadonlyArray<PolicyObject<K>>;
  /**
   * Workload-scoped objects of `kind` in the workload's namespace whose selector (PeerAuthentication,
   * AuthorizationPolicy, RequestAuthentication: `selector`; Sidecar, DestinationRule: `workloadSelector`)
   * matches the workload, oldest first. Selectorless objects are not included.
   */
  selecting<K extends IstioKind>(kind: K, workload: WorkloadInfo): ReadonlyArray<PolicyObject<K>>;
  /**
   * DestinationRules visible from `fromNamespace` (exportTo) whose host matches the FQDN `host` (exact
   * or wildcard), in Istio's lookup order: the caller's namespace, the host's namespace, the root
   * namespace, then any other; within each the most specific host first, then oldest first.
   */
  destinationRulesForHost(host: string, fromNamespace: string): ReadonlyArray<PolicyObject<'DestinationRule'>>;
  /**
   * The DestinationRules Istio actually applies to traffic from a sidecar in `fromNamespace` to `host`
   * (one that no workload-scoped rule selects): the first namespace in lookup order with a match, its
   * most specific host, every rule for that host oldest first (Istio merges them). Empty: no rule.
   */
  effectiveDestinationRules(host: string, fromNamespace: string): ReadonlyArray<PolicyObject<'DestinationRule'>>;

  /**
   * The effective PeerAuthentication mode for a workload port (container port), with Istio's
   * precedence: port-level ▶ workload ▶ namespace ▶ mesh (root namespace); oldest wins at each level;
   * UNSET inherits; nothing at all means PERMISSIVE. A selector in the root namespace is ignored.
   */
  effectiveMtls(workload: WorkloadInfo, port: number): EffectiveMtls;

  /** istiod's ENABLE_TLS_ON_SIDECAR_INGRESS, when the view can see istiod (undefined when unknown). */
  tlsOnSidecarIngressEnabled(): boolean | undefined;

  /** The same view with one change applied on top (nothing is copied: an overlay on the indexes). */
  withChange(change: PendingChange): ClusterView;
}

export type { KindSpecs };
