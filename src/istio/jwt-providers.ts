import type { PolicyObject, WorkloadInfo } from '../cluster/model.js';
import { policySelector } from '../cluster/policy-order.js';
import type { ClusterView } from '../cluster/view.js';
import { hasTargetRefs } from './authz.js';
import { appliesToWorkload, workloadsInScope } from './scope.js';

type RequestAuthentication = PolicyObject<'RequestAuthentication'>;

/**
 * A RequestAuthentication validates JWTs at the sidecars it applies to when it has jwtRules; with
 * targetRefs it attaches to gateways and waypoints instead.
 */
export function validatesJwts(policy: RequestAuthentication): boolean {
  return (policy.spec.jwtRules?.length ?? 0) > 0 && !hasTargetRefs(policy.spec);
}

/** A RequestAuthentication without selector that validates JWTs for every workload of `namespace` (of the mesh, in the root namespace). */
function namespaceWide(view: ClusterView, namespace: string): boolean {
  return view.policies('RequestAuthentication', namespace).some((policy) => !policySelector(policy) && validatesJwts(policy));
}

/**
 * Whether a RequestAuthentication validates JWTs at the workload's sidecar. Istio looks in the
 * workload's namespace and in the root namespace, where a selector picks workloads of every
 * namespace (pilot/pkg/model/authentication.go, getConfigsForWorkload).
 */
export function hasJwtProvider(view: ClusterView, workload: WorkloadInfo, rootNamespace: string): boolean {
  if (namespaceWide(view, workload.namespace) || view.selecting('RequestAuthentication', workload).some(validatesJwts)) return true;
  if (workload.namespace === rootNamespace) return false;
  return view.policies('RequestAuthentication', rootNamespace).some((policy) => validatesJwts(policy) && appliesToWorkload(policy, workload));
}

/**
 * The workloads with a sidecar that the AuthorizationPolicy applies to and no RequestAuthentication
 * validates JWTs for. A namespace-wide or mesh-wide RequestAuthentication answers without visiting a workload.
 */
export function workloadsWithoutJwtProvider(view: ClusterView, policy: PolicyObject<'AuthorizationPolicy'>, rootNamespace: string): WorkloadInfo[] {
  if (namespaceWide(view, rootNamespace) || (policy.namespace !== rootNamespace && namespaceWide(view, policy.namespace))) return [];
  return workloadsInScope(view, policy, rootNamespace).filter((workload) => workload.sidecar && !hasJwtProvider(view, workload, rootNamespace));
}
