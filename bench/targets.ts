import type { BenchReport, TargetCheck } from './report.js';
import { clusterRatio } from './report.js';

/** Issue 9's targets, on the benchmark machine. */
export const TARGETS = {
  minThroughputRatio: 0.85,
  maxP99Ratio: 1.3,
  maxEvaluationMicros: 50,
  maxClusterRatio: 1.5,
  maxPeakRssMb: 250,
} as const;

/** `clusterLoaded`: meshguard was served with the synthetic cluster (the last scenario is not the empty one). */
export function checkTargets(report: Omit<BenchReport, 'targets'>, clusterLoaded: boolean): TargetCheck[] {
  const { ratios, meshguard, floor, evaluation } = report;
  const slowest = evaluation.reduce((worst, row) => (Math.max(...row.medianMicros) > Math.max(...worst.medianMicros) ? row : worst));
  const steepest = evaluation.reduce((worst, row) => (clusterRatio(row) > clusterRatio(worst) ? row : worst));
  const scaled = report.clusters.length > 1;
  return [
    {
      target: `throughput ≥ ${TARGETS.minThroughputRatio} × floor`,
      actual: `${ratios.throughput.toFixed(2)} (${meshguard.requestsPerSecond.toFixed(0)} vs ${floor.requestsPerSecond.toFixed(0)} req/s)`,
      met: ratios.throughput >= TARGETS.minThroughputRatio,
    },
    {
      target: `p99 ≤ ${TARGETS.maxP99Ratio} × floor`,
      actual: `${ratios.p99.toFixed(2)} (${meshguard.latency.p99.toFixed(2)} vs ${floor.latency.p99.toFixed(2)} ms)`,
      met: ratios.p99 <= TARGETS.maxP99Ratio,
    },
    { target: 'zero errors', actual: `meshguard ${meshguard.errors}, floor ${floor.errors}`, met: meshguard.errors === 0 && floor.errors === 0 },
    {
      target: `in-process median < ${TARGETS.maxEvaluationMicros} µs for every kind`,
      actual: `slowest ${slowest.kind} ${Math.max(...slowest.medianMicros).toFixed(1)} µs`,
      met: Math.max(...slowest.medianMicros) < TARGETS.maxEvaluationMicros,
    },
    {
      target: `cluster-size ratio < ${TARGETS.maxClusterRatio}`,
      actual: scaled ? `steepest ${steepest.kind} ${clusterRatio(steepest).toFixed(2)}` : 'not measured: this run has one cluster scenario',
      met: scaled ? clusterRatio(steepest) < TARGETS.maxClusterRatio : undefined,
    },
    {
      target: `peak RSS < ${TARGETS.maxPeakRssMb} MB with the synthetic cluster loaded`,
      actual: `${meshguard.peakRssMb.toFixed(0)} MB${clusterLoaded ? '' : ' (served with the empty cluster: not measured)'}`,
      met: clusterLoaded ? meshguard.peakRssMb < TARGETS.maxPeakRssMb : undefined,
    },
  ];
}
