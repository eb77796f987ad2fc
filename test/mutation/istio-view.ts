import type { NamespaceInfo, PolicyObject, WorkloadInfo } from '../../src/cluster/model.js';
import { NO_CLUSTER } from '../../src/cluster/no-cluster.js';
import type { ClusterView, IstioKind } from '../../src/cluster/view.js';
import type { DestinationRuleSpec, SidecarSpec } from '../../src/istio/kinds.js';

/**
 * A synced ClusterView over a handful of namespaces, Sidecars, DestinationRules and workloads, for
 * the mutation tests until the manifest view lands on main (then: buildManifestView).
 */
export function istioView(state: {
  namespaces?: NamespaceInfo[];
  sidecars?: Array<PolicyObject<'Sidecar'>>;
  destinationRules?: Array<PolicyObject<'DestinationRule'>>;
  workloads?: WorkloadInfo[];
}): ClusterView {
  const byKind = (kind: IstioKind): ReadonlyArray<PolicyObject<IstioKind>> =>
    kind === 'Sidecar' ? (state.sidecars ?? []) : kind === 'DestinationRule' ? (state.destinationRules ?? []) : [];
  const selectorOf = (object: PolicyObject<IstioKind>): Record<string, string | undefined> => {
    const selector = (object.spec as SidecarSpec | DestinationRuleSpec | undefined)?.workloadSelector;
    return (selector && ('labels' in selector ? selector.labels : 'matchLabels' in selector ? selector.matchLabels : undefined)) ?? {};
  };
  const matches = (selector: Record<string, string | undefined>, labels: Record<string, string>) =>
    Object.entries(selector).every(([k, v]) => labels[k] === v);
  const view: ClusterView = {
    ...NO_CLUSTER,
    synced: true,
    namespace: (name) => state.namespaces?.find((n) => n.name === name),
    namespaces: () => state.namespaces ?? [],
    workloads: (namespace, selector) =>
      (state.workloads ?? []).filter((w) => w.namespace === namespace && matches(selector ?? {}, w.labels)),
    policies: <K extends IstioKind>(kind: K, namespace: string) =>
      byKind(kind).filter((o) => o.namespace === namespace) as unknown as ReadonlyArray<PolicyObject<K>>,
    selecting: <K extends IstioKind>(kind: K, workload: WorkloadInfo) =>
      byKind(kind).filter((o) => {
        const selector = selectorOf(o);
        return o.namespace === workload.namespace && Object.keys(selector).length > 0 && matches(selector, workload.labels);
      }) as unknown as ReadonlyArray<PolicyObject<K>>,
    withChange: () => view,
  };
  return view;
}
