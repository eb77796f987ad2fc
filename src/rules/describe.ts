import type { EffectiveMtls, PolicyObject, WorkloadInfo } from '../cluster/model.js';
import type { IstioKind } from '../cluster/view.js';

/** How many names a message lists before it says "and N more": enough to act on, short enough to read. */
export const NAMES_SHOWN = 3;

/** `Deployment/httpbin in foo` */
export function workloadName(workload: WorkloadInfo): string {
  return `${workload.ref} in ${workload.namespace}`;
}

/** `DestinationRule reviews/default` (namespace/name, as kubectl prints it). */
export function objectName(policy: PolicyObject<IstioKind>): string {
  return `${policy.kind} ${policy.namespace}/${policy.name}`;
}

const SCOPE_WORDS: Readonly<Record<NonNullable<EffectiveMtls['decidedBy']>['scope'], string>> = {
  mesh: 'mesh-wide',
  namespace: 'namespace-wide',
  workload: 'workload policy',
  port: 'portLevelMtls',
};

/** `STRICT (PeerAuthentication foo/default, namespace-wide)` or `PERMISSIVE (no PeerAuthentication applies: Istio's default)`. */
export function mtlsText(mtls: EffectiveMtls): string {
  const by = mtls.decidedBy;
  return by ? `${mtls.mode} (PeerAuthentication ${by.namespace}/${by.name}, ${SCOPE_WORDS[by.scope]})` : `${mtls.mode} (no PeerAuthentication applies: Istio's default)`;
}

/**
 * `Deployment/httpbin in full (port 8080) is DISABLE (PeerAuthentication full/default, namespace-wide)`;
 * without mTLS: `... has no sidecar`; port 0 stands for the workload as a whole.
 */
export function portModeText(workload: WorkloadInfo, port: number, mtls: EffectiveMtls | undefined): string {
  const where = workloadPortName(workload, port);
  return mtls ? `${where} is ${mtlsText(mtls)}` : `${where} has no sidecar`;
}

/** `Deployment/httpbin in full (port 8080)`; port 0 stands for the workload as a whole. */
export function workloadPortName(workload: WorkloadInfo, port: number): string {
  return port > 0 ? `${workloadName(workload)} (port ${port})` : workloadName(workload);
}

/** `a, b, c and 2 more`: distinct names in first-seen order. */
export function nameList(names: Iterable<string>): string {
  const distinct = [...new Set(names)];
  return countedNameList(distinct, distinct.length);
}

/** `a, b, c and 2 more` of distinct items, naming only those shown: a namespace- or mesh-wide list can reach hundreds of workloads. */
export function shownNameList<T>(items: readonly T[], name: (item: T) => string): string {
  return countedNameList(items.slice(0, NAMES_SHOWN).map(name), items.length);
}

/** `a, b, c and 2 more` from the first few of `total` distinct names (a count kept by the store, for mesh-wide lists). */
export function countedNameList(first: readonly string[], total: number): string {
  const shown = first.slice(0, NAMES_SHOWN).join(', ');
  return total > NAMES_SHOWN ? `${shown} and ${total - NAMES_SHOWN} more` : shown;
}

/** `1 pod` / `3 pods`. */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
