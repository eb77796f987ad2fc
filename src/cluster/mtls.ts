import type { EffectiveMtls, MtlsMode, PolicyObject, WorkloadInfo } from './model.js';
import { policySelector } from './policy-order.js';
import type { ClusterView } from './view.js';

type PeerAuthentication = PolicyObject<'PeerAuthentication'>;
type Scope = NonNullable<EffectiveMtls['decidedBy']>['scope'];

/**
 * Istio's ComposePeerAuthentication (pilot/pkg/security/authn/policy_applier.go) for one workload
 * port: the oldest selectorless policy of the root namespace (mesh), the oldest selectorless policy
 * of the workload's namespace, and the oldest policy there whose selector matches the workload; each
 * level that sets a mode overrides the one above and UNSET inherits; a port-level entry of the
 * workload policy applies to that container port. Selector policies in the root namespace are
 * ignored (for every workload, the root namespace's own included). Nothing at all is PERMISSIVE.
 */
export function composeEffectiveMtls(
  view: Pick<ClusterView, 'policies' | 'selecting'>,
  rootNamespace: string,
  workload: WorkloadInfo,
  port: number,
): EffectiveMtls {
  let result: EffectiveMtls = { mode: 'PERMISSIVE' };
  const decide = (policy: PeerAuthentication | undefined, mode: MtlsMode | undefined, scope: Scope) => {
    if (policy && mode) result = { mode, decidedBy: { namespace: policy.namespace, name: policy.name, scope } };
  };

  const mesh = oldestSelectorless(view.policies('PeerAuthentication', rootNamespace));
  decide(mesh, modeOf(mesh?.spec.mtls), 'mesh');
  if (workload.namespace === rootNamespace) return result;

  const namespaceWide = oldestSelectorless(view.policies('PeerAuthentication', workload.namespace));
  decide(namespaceWide, modeOf(namespaceWide?.spec.mtls), 'namespace');

  const workloadPolicy = view.selecting('PeerAuthentication', workload)[0];
  decide(workloadPolicy, modeOf(workloadPolicy?.spec.mtls), 'workload');
  decide(workloadPolicy, modeOf(workloadPolicy?.spec.portLevelMtls?.[String(port)]), 'port');
  return result;
}

function oldestSelectorless(ordered: readonly PeerAuthentication[]): PeerAuthentication | undefined {
  return ordered.find((policy) => policySelector(policy) === undefined);
}

function modeOf(mtls: { mode?: string } | undefined): MtlsMode | undefined {
  const mode = mtls?.mode;
  return mode === 'STRICT' || mode === 'PERMISSIVE' || mode === 'DISABLE' ? mode : undefined;
}
