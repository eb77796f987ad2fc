import { buildManifestView } from '../src/cluster/manifest-view.js';
import type { ClusterView } from '../src/cluster/view.js';
import type { KubeObject } from '../src/k8s/types.js';
import { ISSUE_SCALE, REVIEWED_NAMESPACES_ONLY, syntheticCluster } from './synthetic-cluster.js';

/** A cluster meshguard judges against in the benchmark, as the Kubernetes objects of a manifest view. */
export interface ClusterScenario {
  /** Command-line name (bench/serve-with-cluster.ts --cluster NAME). */
  name: string;
  /** Column heading in the report. */
  label: string;
  pods: number;
  objects: () => KubeObject[];
}

/** Synced, so the cross-resource rules run and find nothing, as in a fresh cluster. */
export const EMPTY_CLUSTER: ClusterScenario = { name: 'empty', label: 'empty cluster', pods: 0, objects: () => [] };

/**
 * The namespaces the mix is reviewed in (bench/mix-placement.ts) with the same contents as in the
 * synthetic cluster, and nothing else: the reviews have the same answer as there.
 */
export const REVIEWED_NAMESPACES: ClusterScenario = {
  name: 'reviewed',
  label: 'reviewed namespaces only',
  pods: REVIEWED_NAMESPACES_ONLY.pods,
  objects: () => syntheticCluster(REVIEWED_NAMESPACES_ONLY),
};

/** The issue's scale (bench/synthetic-cluster.ts), the cluster the ClusterView benchmark measures. */
export const SYNTHETIC_CLUSTER: ClusterScenario = {
  name: 'synthetic',
  label: `${ISSUE_SCALE.pods.toLocaleString('en-US')} pods`,
  pods: ISSUE_SCALE.pods,
  objects: () => syntheticCluster(),
};

/** Smallest first; the last scenario of a run is the one meshguard is served with. */
export const CLUSTER_SCENARIOS: readonly ClusterScenario[] = [EMPTY_CLUSTER, REVIEWED_NAMESPACES, SYNTHETIC_CLUSTER];

export function scenarioView(scenario: ClusterScenario, rootNamespace: string): ClusterView {
  return buildManifestView(scenario.objects(), { rootNamespace });
}

export function scenarioNamed(name: string): ClusterScenario {
  const scenario = CLUSTER_SCENARIOS.find((candidate) => candidate.name === name);
  if (!scenario) throw new Error(`unknown cluster "${name}"; known: ${CLUSTER_SCENARIOS.map((s) => s.name).join(', ')}`);
  return scenario;
}
