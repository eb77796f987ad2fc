import type { Labels, PolicyObject } from './model.js';
import { isEmptySelector } from './label-index.js';
import { labelsOf } from './project.js';
import type { IstioKind } from './view.js';
import { getOrCreate } from '../util/get-or-create.js';

/**
 * Istio's precedence between objects of one kind (pilot/pkg/model sortConfigByCreationTime): oldest
 * creationTimestamp first, then name, then namespace. An object without a timestamp has not been
 * created yet (a manifest, or the object under review), so it sorts as the newest.
 */
export function comparePolicies(a: PolicyObject<IstioKind>, b: PolicyObject<IstioKind>): number {
  const ta = createdAt(a);
  const tb = createdAt(b);
  if (ta !== tb) return ta < tb ? -1 : 1;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  if (a.namespace !== b.namespace) return a.namespace < b.namespace ? -1 : 1;
  return 0;
}

/** Parsed once per object: precedence is compared on every review that orders policies, and Date.parse is the cost of it. */
const creationTimes = new WeakMap<PolicyObject<IstioKind>, number>();

function createdAt(policy: PolicyObject<IstioKind>): number {
  return getOrCreate(creationTimes, policy, () => {
    const parsed = policy.creationTimestamp === undefined ? NaN : Date.parse(policy.creationTimestamp);
    return Number.isNaN(parsed) ? Number.POSITIVE_INFINITY : parsed;
  });
}

/**
 * The labels that make an object workload-scoped: `selector.matchLabels` (PeerAuthentication,
 * AuthorizationPolicy, RequestAuthentication), `workloadSelector.labels` (Sidecar) or
 * `workloadSelector.matchLabels` (DestinationRule). Undefined when the object has none, or an empty
 * one, which Istio treats as namespace-wide.
 */
export function policySelector(policy: PolicyObject<IstioKind>): Labels | undefined {
  const selector = selectorOf(policy);
  return isEmptySelector(selector) ? undefined : selector;
}

function selectorOf(policy: PolicyObject<IstioKind>): Labels | undefined {
  switch (policy.kind) {
    case 'Sidecar':
      return labelsOf((policy as PolicyObject<'Sidecar'>).spec.workloadSelector?.labels);
    case 'DestinationRule':
      return labelsOf((policy as PolicyObject<'DestinationRule'>).spec.workloadSelector?.matchLabels);
    default:
      return labelsOf((policy as PolicyObject<'PeerAuthentication'>).spec.selector?.matchLabels);
  }
}

/** Inserts or replaces (same name) `policy` in an array kept in precedence order. */
export function insertOrdered<K extends IstioKind>(ordered: Array<PolicyObject<K>>, policy: PolicyObject<K>): void {
  const existing = ordered.findIndex((p) => p.name === policy.name);
  if (existing >= 0) ordered.splice(existing, 1);
  let at = ordered.findIndex((p) => comparePolicies(policy, p) < 0);
  if (at < 0) at = ordered.length;
  ordered.splice(at, 0, policy);
}
