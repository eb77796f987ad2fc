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
  /** `namespaceLevelMtls` of the workload's namespace, when the caller keeps it. */
  inherited = namespaceLevelMtls(view, rootNamespace, workload.namespace),
): EffectiveMtls {
  if (workload.namespace === rootNamespace) return inherited;
  const workloadPolicy = view.selecting('PeerAuthentication', workload)[0];
  const workloadLevel = decided(inherited, workloadPolicy, workloadPolicy?.spec.mtls, 'workload');
  return decided(workloadLevel, workloadPolicy, workloadPolicy?.spec.portLevelMtls?.[String(port)], 'port');
}

/**
 * The mode every workload of `namespace` has before any workload policy: the oldest selectorless
 * policy of the namespace over the mesh-wide one (for the root namespace, the mesh-wide one alone).
 */
export function namespaceLevelMtls(view: Pick<ClusterView, 'policies'>, rootNamespace: string, namespace: string): EffectiveMtls {
  const mesh = oldestSelectorless(view.policies('PeerAuthentication', rootNamespace));
  const meshLevel = decided({ mode: 'PERMISSIVE' }, mesh, mesh?.spec.mtls, 'mesh');
  if (namespace === rootNamespace) return meshLevel;
  const namespaceWide = oldestSelectorless(view.policies('PeerAuthentication', namespace));
  return decided(meshLevel, namespaceWide, namespaceWide?.spec.mtls, 'namespace');
}

/** `policy`'s mode at `scope` when it sets one (UNSET and absent inherit `inherited`). */
export function decided(inherited: EffectiveMtls, policy: PeerAuthentication | undefined, mtls: { mode?: string } | undefined, scope: Scope): EffectiveMtls {
  const mode = modeOf(mtls);
  return policy && mode ? { mode, decidedBy: { namespace: policy.namespace, name: policy.name, scope } } : inherited;
}

function oldestSelectorless(ordered: readonly PeerAuthentication[]): PeerAuthentication | undefined {
  return ordered.find((policy) => policySelector(policy) === undefined);
}

function modeOf(mtls: { mode?: string } | undefined): MtlsMode | undefined {
  const mode = mtls?.mode;
  return mode === 'STRICT' || mode === 'PERMISSIVE' || mode === 'DISABLE' ? mode : undefined;
}
