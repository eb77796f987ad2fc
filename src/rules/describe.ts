import type { EffectiveMtls, PolicyObject, ServiceInfo, WorkloadInfo } from '../cluster/model.js';
import type { IstioKind } from '../cluster/view.js';

/** How many names a message lists before it says "and N more": enough to act on, short enough to read. */
const NAMES_SHOWN = 3;

/** `Deployment/httpbin in foo` */
export function workloadName(workload: WorkloadInfo): string {
  return `${workload.ref} in ${workload.namespace}`;
}

/** `DestinationRule reviews/default` (namespace/name, as kubectl prints it). */
export function objectName(policy: PolicyObject<IstioKind>): string {
  return `${policy.kind} ${policy.namespace}/${policy.name}`;
}

/** `reviews.prod.svc.cluster.local` without the cluster suffix: `Service prod/reviews`. */
export function serviceName(service: ServiceInfo): string {
  return `Service ${service.namespace}/${service.name}`;
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

/** `a, b, c and 2 more`: distinct names in first-seen order. */
export function nameList(names: Iterable<string>): string {
  const distinct = [...new Set(names)];
  const shown = distinct.slice(0, NAMES_SHOWN).join(', ');
  return distinct.length > NAMES_SHOWN ? `${shown} and ${distinct.length - NAMES_SHOWN} more` : shown;
}

/** `1 pod` / `3 pods`. */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
