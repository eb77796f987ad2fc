import t from 'tap';
import { runBenchmark } from '../../bench/benchmark.js';
import { bodyMix } from '../../bench/body-mix.js';
import { CLUSTER_SCENARIOS } from '../../bench/clusters.js';
import { formatReport, type BenchReport } from '../../bench/report.js';
import { checkTargets } from '../../bench/targets.js';

/**
 * The whole benchmark in miniature (a few hundred requests per run, served with the empty cluster), so
 * the machinery cannot rot unnoticed.
 */
const EMPTY = CLUSTER_SCENARIOS[0]!;
let report: BenchReport;
t.before(async () => {
  report = await runBenchmark({ connections: 4, run: { requests: 200 }, evaluationIterations: 20, clusters: [EMPTY] });
});

t.test('the benchmark alternates meshguard and the floor, A B A B, each run completing every request without errors', async (t) => {
  t.same(
    report.runs.map((run) => run.target),
    ['meshguard', 'floor', 'meshguard', 'floor'],
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
});

t.test('the report has totals, ratios, peak RSS of both processes and the in-process cost of every kind in the mix', async (t) => {
  for (const server of [report.meshguard, report.floor]) {
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
  t.match(text, /^meshguard\/floor: throughput \d+\.\d\d, p99 \d+\.\d\d, server CPU per review \d+\.\d\d$/m);
  t.match(text, /^peak RSS when ready, before any load: meshguard \d+ MB, floor \d+ MB$/m);
  t.match(text, /^handleReview median µs/m);
});

t.test('served with the empty cluster alone, the report says so and leaves the cluster-size and memory targets unmeasured', async (t) => {
  t.same(report.clusters, ['empty cluster']);
  t.equal(report.load.servedCluster, 'empty cluster');
  t.match(formatReport(report), /meshguard served with the cluster "empty cluster" and the chart's --max-old-space-size=256$/m, 'served with the heap limit the chart sets');
  t.match(report.targets.find((check) => check.target.startsWith('cluster-size ratio')), { met: undefined, actual: 'not measured: this run has one cluster scenario' });
  t.match(report.targets.find((check) => check.target.startsWith('peak RSS')), { met: undefined, actual: /MB \(served with the empty cluster: not measured\)$/ });
});

t.test('with the synthetic cluster as the last scenario, the report adds its column and the ratio, and judges both targets', async (t) => {
  const evaluation = report.evaluation.map((row) => ({ kind: row.kind, medianMicros: [10, row.kind === 'DestinationRule' ? 14 : 11] }));
  const slowestReviews = [
    { fixture: 'sidecar-v1-create-ingress-tls', medianMicros: 12 },
    { fixture: 'peerauthentication-v1-create-mesh-wide-istio-system', medianMicros: 15 },
  ];
  const scaled = { ...report, clusters: ['empty cluster', '10,000 pods'], evaluation, slowestReviews, meshguard: { ...report.meshguard, peakRssMb: 180 } };
  const targets = checkTargets(scaled, true);
  t.match(targets.find((check) => check.target.startsWith('cluster-size ratio')), { met: true, actual: 'steepest DestinationRule 1.40' });
  t.match(targets.find((check) => check.target.startsWith('peak RSS')), { met: true, actual: '180 MB' });
  const text = formatReport({ ...scaled, targets });
  t.match(text, /^handleReview median µs\s+empty cluster\s+10,000 pods\s+ratio\nPod\s+10\.0\s+11\.0\s+1\.10$/m);
  t.match(text, /^slowest review, 10,000 pods: peerauthentication-v1-create-mesh-wide-istio-system 15\.0 µs$/m);
});
