import { selectorMatches } from '../cluster/label-index.js';
import type { PolicyObject, WorkloadInfo } from '../cluster/model.js';
import { policySelector } from '../cluster/policy-order.js';
import { policyObject } from '../cluster/project.js';
import type { ClusterView, IstioKind, PendingChange } from '../cluster/view.js';
import type { KubeObject } from '../k8s/types.js';
import { hasTargetRefs } from './authz.js';
import type { KindSpecs } from './kinds.js';

/**
 * Built once per reviewed object: a dozen rules of a kind ask for it, and one identity lets what is
 * memoized per policy object (its parsed creation time) serve them all. Each admission request decodes
 * a new object, so entries never outlive the request (and the WeakMap lets them go with it).
 */
const reviewedPolicies = new WeakMap<object, PolicyObject<IstioKind>>();

/** The object under review as the ClusterView keeps Istio objects. */
export function reviewedPolicy<K extends IstioKind>(kind: K, object: KubeObject<KindSpecs[K]>, namespace: string): PolicyObject<K> {
  const known = reviewedPolicies.get(object);
  if (known?.kind === kind && known.namespace === namespace) return known as PolicyObject<K>;
  const policy = policyObject(kind, object, namespace);
  reviewedPolicies.set(object, policy);
  return policy;
}

/** The change the review makes: the object stored (CREATE, UPDATE) or gone (DELETE). */
export function pendingChange(policy: PolicyObject<IstioKind>, operation: string): PendingChange {
  return operation === 'DELETE'
    ? { type: 'delete', kind: policy.kind, namespace: policy.namespace, name: policy.name }
    : { type: 'upsert', object: policy };
}

/** A selectorless object of the root namespace (for an AuthorizationPolicy or RequestAuthentication, without targetRefs): it applies to the whole mesh. */
export function isMeshWide(policy: PolicyObject<IstioKind>, rootNamespace: string): boolean {
  if (targetsGateways(policy)) return false;
  return policy.namespace === rootNamespace && policySelector(policy) === undefined;
}

/** An AuthorizationPolicy or RequestAuthentication with targetRefs applies to gateways and waypoints, which the view does not model. */
function targetsGateways(policy: PolicyObject<IstioKind>): boolean {
  return (policy.kind === 'AuthorizationPolicy' || policy.kind === 'RequestAuthentication') && hasTargetRefs((policy as PolicyObject<'AuthorizationPolicy' | 'RequestAuthentication'>).spec);
}

/**
 * `workloadsInScope` restricted to workloads with a sidecar, one at a time: a rule that stops at its
 * first example visits no more of a mesh-wide scope than it needs.
 */
export function* sidecarsInScope(view: ClusterView, policy: PolicyObject<IstioKind>, rootNamespace: string): Iterable<WorkloadInfo> {
  if (!isMeshWide(policy, rootNamespace)) {
    for (const workload of workloadsInScope(view, policy, rootNamespace)) if (workload.sidecar) yield workload;
    return;
  }
  for (const workload of view.allWorkloads()) if (workload.sidecar) yield workload;
}

/**
 * The workloads an Istio object applies to, as Istio scopes each kind:
 * - a selector picks workloads of the object's namespace; an AuthorizationPolicy or RequestAuthentication
 *   with a selector in the root namespace picks them in every namespace; a PeerAuthentication with a
 *   selector in the root namespace is ignored by Istio and applies to nothing;
 * - without a selector: every workload of the namespace, or of the mesh in the root namespace;
 * - an AuthorizationPolicy or RequestAuthentication with targetRefs applies to gateways and waypoints,
 *   which the view does not model: nothing.
 */
export function workloadsInScope(view: ClusterView, policy: PolicyObject<IstioKind>, rootNamespace: string): WorkloadInfo[] {
  if (targetsGateways(policy)) return [];
  const selector = policySelector(policy);
  const inRoot = policy.namespace === rootNamespace;
  if (!selector) return inRoot ? [...view.allWorkloads()] : [...view.workloads(policy.namespace)];
  if (!inRoot) return [...view.workloads(policy.namespace, selector)];
  if (policy.kind === 'AuthorizationPolicy' || policy.kind === 'RequestAuthentication') {
    const found: WorkloadInfo[] = [];
    for (const workload of view.allWorkloads()) if (selectorMatches(selector, workload.labels)) found.push(workload);
    return found;
  }
  return policy.kind === 'PeerAuthentication' ? [] : [...view.workloads(policy.namespace, selector)];
}

/**
 * Whether an AuthorizationPolicy or RequestAuthentication of the workload's namespace or of the root
 * namespace applies to the workload: no selector, or one its labels match. targetRefs: never (gateways, waypoints).
 */
export function appliesToWorkload(policy: PolicyObject<'AuthorizationPolicy' | 'RequestAuthentication'>, workload: WorkloadInfo): boolean {
  if (hasTargetRefs(policy.spec)) return false;
  const selector = policySelector(policy);
  return !selector || selectorMatches(selector, workload.labels);
}

/** The AuthorizationPolicies that apply to a workload: its namespace's, oldest first, then the root namespace's. */
export function authorizationPoliciesFor(view: ClusterView, workload: WorkloadInfo, rootNamespace: string): Array<PolicyObject<'AuthorizationPolicy'>> {
  const applies = (policy: PolicyObject<'AuthorizationPolicy'>) => appliesToWorkload(policy, workload);
  const own = view.policies('AuthorizationPolicy', workload.namespace).filter(applies);
  return workload.namespace === rootNamespace ? own : [...own, ...view.policies('AuthorizationPolicy', rootNamespace).filter(applies)];
}
