import t from 'tap';
import { formatClusterScale, measureClusterScale } from '../../bench/cluster-scale.js';
import { defaultRegistry } from '../../src/rules/catalog.js';

/** The cluster-scale benchmark in miniature: every review is judged, no rule throws, the report is complete. */
t.test('the cluster-scale benchmark runs every rule on a small synthetic cluster without a rule failing', async (t) => {
  const report = measureClusterScale({ namespaces: 6, workloadsPerNamespace: 3 }, 3);
  t.equal(report.workloads, 18);
  for (const review of report.reviews) {
    t.same(review.failures, [], `${review.review}: no rule threw`);
    t.ok(review.medianMicros > 0 && review.medianMicros <= review.p99Micros, `${review.review}: median and p99`);
  }
  const found = new Set(report.reviews.flatMap((r) => r.rules));
  for (const id of ['MG102', 'MG106', 'MG112', 'MG208', 'MG209', 'MG210', 'MG301', 'MG401']) t.ok(found.has(id), `${id} finds what the cluster was built to show`);
  const kinds = new Set(report.reviews.map((r) => r.review.split(' ')[1]));
  const clusterKinds = defaultRegistry().all().filter((rule) => rule.needsCluster).flatMap((rule) => rule.kinds);
  for (const kind of clusterKinds) t.ok(kinds.has(kind), `${kind} is reviewed`);
  t.match(formatClusterScale(report), /median µs/);
});
