import t from 'tap';
import { runBenchmark } from '../../bench/benchmark.js';
import { bodyMix } from '../../bench/body-mix.js';
import { CLUSTER_SCENARIOS, EMPTY_CLUSTER, scenarioNamed, scenarioView } from '../../bench/clusters.js';
import { formatReport, type BenchReport } from '../../bench/report.js';
import { checkTargets } from '../../bench/targets.js';

/**
 * The whole benchmark in miniature (a few hundred requests per run, served with the empty cluster), so
 * the machinery cannot rot unnoticed.
 */
let report: BenchReport;
/** The stack floor's simulated review: long enough to dominate its CPU per review, short enough for a miniature. */
const REVIEW_MICROS = 2000;
t.before(async () => {
  report = await runBenchmark({ connections: 4, run: { requests: 200 }, evaluationIterations: 20, clusters: [EMPTY_CLUSTER], stackFloor: true, stackFloorReviewMicros: REVIEW_MICROS });
});

t.test('the benchmark alternates meshguard, the floor and the stack floor, A B C A B C, each run completing every request without errors', async (t) => {
  t.same(
    report.runs.map((run) => run.target),
    ['meshguard', 'floor', 'stack-floor', 'meshguard', 'floor', 'stack-floor'],
  );
  for (const run of report.runs) {
    t.equal(run.requests, 200, `${run.target} completed its requests`);
    t.same(run.errors, { connection: 0, timeouts: 0, non2xx: 0, wrongAnswers: 0 }, `${run.target} answered every review with its uid`);
    t.ok(run.latency.p50 > 0 && run.latency.p50 <= run.latency.p99 && run.latency.p99 <= run.latency.p999, 'ordered latency percentiles');
  }
});

t.test('meshguard judges the mix (MG101 and MG201 denials come back) while the floor allows everything', async (t) => {
  t.ok(report.meshguard.denied > 0, `meshguard denied ${report.meshguard.denied}`);
  t.equal(report.floor.denied, 0);
  t.equal(report.stackFloor?.denied, 0, 'the stack floor answers the fixed allowed review');
});

t.test('the stack floor spends the asked CPU on every review, and the report says so', async (t) => {
  t.equal(report.load.stackFloorReviewMicros, REVIEW_MICROS);
  t.ok(report.stackFloor!.cpuMicrosPerRequest >= REVIEW_MICROS, `stack floor CPU per review ${report.stackFloor!.cpuMicrosPerRequest} µs`);
  t.ok(report.floor.cpuMicrosPerRequest < REVIEW_MICROS, `the floor's own is not inflated: ${report.floor.cpuMicrosPerRequest} µs`);
  t.match(formatReport(report), /^the stack floor spent 2000 µs of CPU on each review before answering: what reviews of that cost could reach on meshguard's HTTP stack$/m);
});

t.test('the report has totals, ratios, peak RSS of both processes and the in-process cost of every kind in the mix', async (t) => {
  for (const server of [report.meshguard, report.floor, report.stackFloor!]) {
    t.ok(server.requestsPerSecond > 0, `${server.name} throughput`);
    t.ok(server.cpuMicrosPerRequest > 0, `${server.name} CPU per review`);
    t.equal(server.errors, 0);
    t.ok(server.peakRssMb > 10 && server.peakRssMb < 4096, `${server.name} peak RSS ${server.peakRssMb} MB`);
    t.ok(server.startupPeakRssMb > 10 && server.startupPeakRssMb <= server.peakRssMb, `${server.name} peak RSS when ready ${server.startupPeakRssMb} MB`);
  }
  t.equal(report.ratios.throughput, report.meshguard.requestsPerSecond / report.floor.requestsPerSecond);
  t.same(report.evaluation.map((row) => row.kind).sort(), [...new Set(bodyMix().map((entry) => entry.kind))].sort());
  for (const row of report.evaluation) {
    t.equal(row.medianMicros.length, report.clusters.length);
    t.ok(row.medianMicros.every((us) => us > 0), `${row.kind} has a cost`);
  }
  const [slowest] = report.slowestReviews;
  t.ok(slowest && bodyMix().some((entry) => entry.fixture === slowest.fixture), 'the slowest review is named');
  t.ok(report.evaluation.every((row) => row.medianMicros[0]! <= slowest!.medianMicros), 'no kind median is above the slowest review');
  t.match(report.targets.find((check) => check.target === 'zero errors'), { met: true, actual: 'meshguard 0, floor 0' });
});

t.test('the printed report shows every run, the totals and the ratio line', async (t) => {
  const text = formatReport(report);
  t.match(text, /^run\s+server\s+req\/s\s+p50 ms\s+p99 ms\s+p99\.9 ms\s+CPU %\s+CPU µs\/req\s+errors\s+denied\s+peak RSS MB$/m);
  t.match(text, /^all\s+meshguard\s+\d+/m);
  t.match(text, /^all\s+floor\s+\d+/m);
  t.match(text, /^all\s+stack-floor\s+\d+/m);
  t.match(text, /, runs A B C A B C of 200 requests;/, 'the run order names the three servers');
  t.match(text, /^stack-floor\/floor: throughput \d+\.\d\d, server CPU per review \d+\.\d\d; meshguard\/stack-floor: throughput \d+\.\d\d, server CPU per review \d+\.\d\d$/m);
  t.match(text, /^meshguard\/floor: throughput \d+\.\d\d, p99 \d+\.\d\d, server CPU per review \d+\.\d\d$/m);
  t.match(text, /^peak RSS when ready, before any load: meshguard \d+ MB, floor \d+ MB$/m);
  t.match(text, /^handleReview median µs/m);
});

t.test('served with the empty cluster alone, the report says so and leaves the cluster-size and memory targets unmeasured', async (t) => {
  t.same(report.clusters, [{ name: 'empty', label: 'empty cluster' }]);
  t.equal(report.load.servedCluster, 'empty cluster');
  t.match(formatReport(report), /meshguard served with the cluster "empty cluster" and the chart's --max-old-space-size=256$/m, 'served with the heap limit the chart sets');
  t.match(report.targets.find((check) => check.target.startsWith('cluster-size ratio')), { met: undefined, actual: 'not measured: synthetic ÷ reviewed needs both clusters in the run' });
  t.match(report.targets.find((check) => check.target.startsWith('peak RSS')), { met: undefined, actual: /MB \(served without the synthetic cluster: not measured\)$/ });
  t.match(formatReport(report), /^handleReview median µs\s+empty cluster\nPod\s+\d+\.\d$/m, 'no ratio column');
});

t.test('the scenarios run from the empty cluster through the reviewed namespaces alone to the synthetic cluster, each servable by name', async (t) => {
  t.same(
    CLUSTER_SCENARIOS.map(({ name, label, pods }) => ({ name, label, pods })),
    [
      { name: 'empty', label: 'empty cluster', pods: 0 },
      { name: 'reviewed', label: 'reviewed namespaces only', pods: 40 },
      { name: 'synthetic', label: '10,000 pods', pods: 10_000 },
    ],
  );
  const reviewed = scenarioView(scenarioNamed('reviewed'), 'istio-system');
  t.same([reviewed.podCounts('ns-000'), reviewed.podCounts('ns-001')], [{ meshed: 20, unmeshed: 0 }, { meshed: 20, unmeshed: 0 }], 'the reviewed namespaces hold their 20 pods each, as in the synthetic cluster');
  t.notOk(reviewed.namespace('ns-002'), 'and nothing else');
});

/** A hand-made report of the three clusters: over the reviewed namespaces every kind is within 1.4, over the empty cluster Pod is 2.2. */
function measuredOn(clusters: ReadonlyArray<'empty' | 'reviewed' | 'synthetic'>): Omit<BenchReport, 'targets'> {
  const micros = { Pod: { empty: 5, reviewed: 10, synthetic: 11 }, DestinationRule: { empty: 20, reviewed: 10, synthetic: 14 } } as const;
  return {
    ...report,
    clusters: clusters.map((name) => ({ name, label: scenarioNamed(name).label })),
    evaluation: (['Pod', 'DestinationRule'] as const).map((kind) => ({ kind, medianMicros: clusters.map((name) => micros[kind][name]) })),
    slowestReviews: clusters.map((name) => ({ fixture: `slowest-on-${name}`, medianMicros: 15 })),
    meshguard: { ...report.meshguard, peakRssMb: 180 },
  };
}

t.test('the cluster-size target divides the synthetic cluster by the reviewed namespaces (answer held fixed), not by the empty cluster', async (t) => {
  const measured = measuredOn(['empty', 'reviewed', 'synthetic']);
  const targets = checkTargets(measured, true);
  t.match(targets.find((check) => check.target.startsWith('cluster-size ratio')), { met: true, actual: 'steepest DestinationRule 1.40 (synthetic ÷ reviewed)' });
  t.match(targets.find((check) => check.target.startsWith('peak RSS')), { met: true, actual: '180 MB' });
  const text = formatReport({ ...measured, targets });
  t.match(
    text,
    /^handleReview median µs\s+empty cluster\s+reviewed namespaces only\s+10,000 pods\s+synthetic ÷ reviewed\s+synthetic ÷ empty\nPod\s+5\.0\s+10\.0\s+11\.0\s+1\.10\s+2\.20\nDestinationRule\s+20\.0\s+10\.0\s+14\.0\s+1\.40\s+0\.70$/m,
  );
  t.match(text, /^synthetic ÷ reviewed: the cluster-size target: same answer, only the cluster around it grows\nsynthetic ÷ empty: for information: on the empty cluster the reviews have nothing to answer$/m);
  t.match(text, /^slowest review, reviewed namespaces only: slowest-on-reviewed 15\.0 µs$/m);
});

t.test('a run without the reviewed namespaces or without the synthetic cluster leaves the cluster-size target unmeasured, and prints only the ratios it has', async (t) => {
  const withoutReviewed = measuredOn(['empty', 'synthetic']);
  t.match(checkTargets(withoutReviewed, true).find((check) => check.target.startsWith('cluster-size ratio')), { met: undefined, actual: 'not measured: synthetic ÷ reviewed needs both clusters in the run' });
  t.match(formatReport({ ...withoutReviewed, targets: [] }), /^handleReview median µs\s+empty cluster\s+10,000 pods\s+synthetic ÷ empty\nPod\s+5\.0\s+11\.0\s+2\.20$/m);

  const withoutSynthetic = measuredOn(['empty', 'reviewed']);
  t.match(checkTargets(withoutSynthetic, false).find((check) => check.target.startsWith('cluster-size ratio')), { met: undefined });
  t.match(formatReport({ ...withoutSynthetic, targets: [] }), /^handleReview median µs\s+empty cluster\s+reviewed namespaces only\nPod\s+5\.0\s+10\.0$/m);
});
