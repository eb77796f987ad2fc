import { buildManifestView } from '../src/cluster/manifest-view.js';
import type { ClusterView } from '../src/cluster/view.js';
import type { KubeObject } from '../src/k8s/types.js';

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
 * Synced and empty: the cross-resource rules run and find nothing, as in a fresh cluster. The
 * synthetic cluster of the ClusterView benchmark (10,000 pods, bench/synthetic-cluster.ts) joins
 * this list as the last scenario once it is on main; the largest scenario is the one served.
 */
export const CLUSTER_SCENARIOS: readonly ClusterScenario[] = [{ name: 'empty', label: 'empty cluster', pods: 0, objects: () => [] }];

export const SERVED_SCENARIO = CLUSTER_SCENARIOS.at(-1)!;

export function scenarioView(scenario: ClusterScenario, rootNamespace: string): ClusterView {
  return buildManifestView(scenario.objects(), { rootNamespace });
}

export function scenarioNamed(name: string): ClusterScenario {
  const scenario = CLUSTER_SCENARIOS.find((candidate) => candidate.name === name);
  if (!scenario) throw new Error(`unknown cluster "${name}"; known: ${CLUSTER_SCENARIOS.map((s) => s.name).join(', ')}`);
  return scenario;
}
