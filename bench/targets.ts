import { ANSWER_FIXED_RATIO, clusterRatios, ratioHeading } from './cluster-ratios.js';
import type { BenchReport, TargetCheck } from './report.js';

/** Issue 9's targets, on the benchmark machine. */
export const TARGETS = {
  minThroughputRatio: 0.85,
  maxP99Ratio: 1.3,
  maxEvaluationMicros: 50,
  maxClusterRatio: 1.5,
  maxPeakRssMb: 250,
} as const;

/** `clusterLoaded`: meshguard was served with the synthetic cluster. */
export function checkTargets(report: Omit<BenchReport, 'targets'>, clusterLoaded: boolean): TargetCheck[] {
  const { ratios, meshguard, floor, evaluation } = report;
  const slowest = evaluation.reduce((worst, row) => (Math.max(...row.medianMicros) > Math.max(...worst.medianMicros) ? row : worst));
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
    clusterSizeCheck(report),
    {
      target: `peak RSS < ${TARGETS.maxPeakRssMb} MB with the synthetic cluster loaded`,
      actual: `${meshguard.peakRssMb.toFixed(0)} MB${clusterLoaded ? '' : ' (served without the synthetic cluster: not measured)'}`,
      met: clusterLoaded ? meshguard.peakRssMb < TARGETS.maxPeakRssMb : undefined,
    },
  ];
}

/** Judged on the answer-fixed ratio, so that it measures the cluster growing and not the answer. */
function clusterSizeCheck(report: Omit<BenchReport, 'targets'>): TargetCheck {
  const target = `cluster-size ratio < ${TARGETS.maxClusterRatio}`;
  const heading = ratioHeading(ANSWER_FIXED_RATIO);
  const ratios = clusterRatios(ANSWER_FIXED_RATIO, report);
  if (!ratios) return { target, actual: `not measured: ${heading} needs both clusters in the run`, met: undefined };
  const steepest = ratios.reduce((worst, ratio, index) => (ratio > ratios[worst]! ? index : worst), 0);
  return {
    target,
    actual: `steepest ${report.evaluation[steepest]!.kind} ${ratios[steepest]!.toFixed(2)} (${heading})`,
    met: ratios[steepest]! < TARGETS.maxClusterRatio,
  };
}
