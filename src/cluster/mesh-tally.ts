import type { EffectiveMtls, WorkloadInfo } from './model.js';
import { NamespaceCounter, type NamespaceCounts } from './namespace-counter.js';
import type { WorkloadFacts } from './workload-facts.js';

/**
 * The mesh-wide counts a root-namespace (mesh-wide) policy is judged on, kept per namespace:
 * - `unmeshedWorkloads`, `unmeshedPods`: workloads without a sidecar, and their pods (ranked);
 * - `plaintextPorts`: (sidecar workload, port) pairs whose effective mTLS mode accepts plaintext
 *   (PERMISSIVE or DISABLE), over the ports each receives on (port 0 when none is known);
 * - `meshModeWorkloads`: sidecar workloads with a port (`WorkloadFacts.mtlsPorts`) whose mode the mesh-wide
 *   policy, or Istio's default, decides: the ones a mesh-wide PeerAuthentication change reaches;
 * - `jwtAuthorizationPolicies`: AuthorizationPolicies that match on the request's JWT
 *   (`requestPrincipals`, `request.auth.*`): the ones a mesh-wide RequestAuthentication's deletion can break.
 */
export type MeshCount = WorkloadCount | 'jwtAuthorizationPolicies';
type WorkloadCount = 'unmeshedWorkloads' | 'unmeshedPods' | 'plaintextPorts' | 'meshModeWorkloads';

type Contribution = Readonly<Record<WorkloadCount, number>>;

/** What one workload adds to each count, given its facts and its effective mode per port. */
export function contributionOf(workload: WorkloadInfo, facts: WorkloadFacts, mtls: (port: number) => EffectiveMtls): Contribution {
  if (!workload.sidecar) return { unmeshedWorkloads: 1, unmeshedPods: workload.pods, plaintextPorts: 0, meshModeWorkloads: 0 };
  const receiving = facts.receiving.length > 0 ? facts.receiving : [0];
  const meshDecided = facts.mtlsPorts.some((port) => isMeshMode(mtls(port)));
  return {
    unmeshedWorkloads: 0,
    unmeshedPods: 0,
    plaintextPorts: receiving.filter((port) => mtls(port).mode !== 'STRICT').length,
    meshModeWorkloads: meshDecided ? 1 : 0,
  };
}

/** Decided by the mesh-wide policy, or by nothing at all (Istio's default): a mesh-wide change moves it. */
export function isMeshMode(mtls: EffectiveMtls): boolean {
  return mtls.decidedBy === undefined || mtls.decidedBy.scope === 'mesh';
}

/** The counts, adjusted as workloads' contributions are set and removed. */
export class MeshTally {
  private readonly counters: Readonly<Record<WorkloadCount, NamespaceCounter>> = {
    unmeshedWorkloads: new NamespaceCounter(),
    unmeshedPods: new NamespaceCounter({ ranked: true }),
    plaintextPorts: new NamespaceCounter(),
    meshModeWorkloads: new NamespaceCounter(),
  };
  private readonly contributions = new Map<WorkloadInfo, Contribution>();

  set(workload: WorkloadInfo, contribution: Contribution): void {
    this.delete(workload);
    this.contributions.set(workload, contribution);
    this.apply(workload.namespace, contribution, 1);
  }

  delete(workload: WorkloadInfo): void {
    const old = this.contributions.get(workload);
    if (!old) return;
    this.contributions.delete(workload);
    this.apply(workload.namespace, old, -1);
  }

  counts(count: WorkloadCount): NamespaceCounts {
    return this.counters[count];
  }

  private apply(namespace: string, contribution: Contribution, sign: 1 | -1): void {
    for (const count of Object.keys(this.counters) as WorkloadCount[]) this.counters[count].add(namespace, sign * contribution[count]);
  }
}
