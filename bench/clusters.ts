import { buildManifestView } from '../src/cluster/manifest-view.js';
import type { ClusterView } from '../src/cluster/view.js';
import type { KubeObject } from '../src/k8s/types.js';
import { ISSUE_SCALE, syntheticCluster } from './synthetic-cluster.js';

/** A cluster meshguard judges against in the benchmark, as the Kubernetes objects of a manifest view. */
export interface ClusterScenario {
  /** Command-line name (bench/serve-with-cluster.ts --cluster NAME). */
  name: string;
  /** Column heading in the report. */
  label: string;
  pods: number;
  objects: () => KubeObject[];
}

/**
 * Smallest first; the last scenario of a run is the one meshguard is served with. Empty: synced, so
 * the cross-resource rules run and find nothing, as in a fresh cluster. Synthetic: the issue's scale
 * (bench/synthetic-cluster.ts), the cluster the ClusterView benchmark measures.
 */
export const CLUSTER_SCENARIOS: readonly ClusterScenario[] = [
  { name: 'empty', label: 'empty cluster', pods: 0, objects: () => [] },
  { name: 'synthetic', label: `${ISSUE_SCALE.pods.toLocaleString('en-US')} pods`, pods: ISSUE_SCALE.pods, objects: () => syntheticCluster() },
];

export function scenarioView(scenario: ClusterScenario, rootNamespace: string): ClusterView {
  return buildManifestView(scenario.objects(), { rootNamespace });
}

export function scenarioNamed(name: string): ClusterScenario {
  const scenario = CLUSTER_SCENARIOS.find((candidate) => candidate.name === name);
  if (!scenario) throw new Error(`unknown cluster "${name}"; known: ${CLUSTER_SCENARIOS.map((s) => s.name).join(', ')}`);
  return scenario;
}
