import { EMPTY_CLUSTER, REVIEWED_NAMESPACES, SYNTHETIC_CLUSTER, type ClusterScenario } from './clusters.js';
import type { BenchReport } from './report.js';

/** Each kind's in-process cost on one cluster scenario over its cost on a smaller one. */
export interface ClusterRatio {
  /** Scenario names (`ClusterScenario.name`): `of` ÷ `over`. */
  of: string;
  over: string;
  /** What the ratio tells, printed under the table. */
  meaning: string;
}

/**
 * The cluster-size target's ratio. Both clusters hold the reviewed namespaces with the same contents,
 * so every review has the same answer on both and only the cluster around it grows.
 */
export const ANSWER_FIXED_RATIO = ratio(SYNTHETIC_CLUSTER, REVIEWED_NAMESPACES, 'the cluster-size target: same answer, only the cluster around it grows');

/** On the empty cluster the reviews find no workload, so this ratio also counts the size of the answer. */
const OVER_EMPTY_RATIO = ratio(SYNTHETIC_CLUSTER, EMPTY_CLUSTER, 'for information: on the empty cluster the reviews have nothing to answer');

/** The ratio columns of the report, in this order, each where the run measured both of its clusters. */
export const CLUSTER_RATIOS: readonly ClusterRatio[] = [ANSWER_FIXED_RATIO, OVER_EMPTY_RATIO];

export function ratioHeading({ of, over }: ClusterRatio): string {
  return `${of} ÷ ${over}`;
}

/** The ratio of every evaluation row, in their order; undefined when the run lacks one of the two clusters. */
export function clusterRatios({ of, over }: ClusterRatio, { clusters, evaluation }: Pick<BenchReport, 'clusters' | 'evaluation'>): number[] | undefined {
  const ofColumn = clusters.findIndex((cluster) => cluster.name === of);
  const overColumn = clusters.findIndex((cluster) => cluster.name === over);
  if (ofColumn < 0 || overColumn < 0) return undefined;
  return evaluation.map((row) => row.medianMicros[ofColumn]! / row.medianMicros[overColumn]!);
}

function ratio(of: ClusterScenario, over: ClusterScenario, meaning: string): ClusterRatio {
  return { of: of.name, over: over.name, meaning };
}
