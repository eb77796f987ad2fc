import t from 'tap';
import { formatRuleCost, measureRuleCost } from '../../bench/rule-cost.js';
import { syntheticCluster } from '../../bench/synthetic-cluster.js';
import { buildManifestView } from '../../src/cluster/manifest-view.js';
import { defaultRegistry } from '../../src/rules/catalog.js';

/** The rule part of the cluster-scale benchmark in miniature: every review is judged and no rule throws. */
t.test('the rule-cost benchmark runs every rule on a small synthetic cluster without a rule failing', async (t) => {
  const view = buildManifestView(syntheticCluster({ namespaces: 4, pods: 40, services: 16, peerAuthentications: 8, authorizationPolicies: 8, destinationRules: 4 }));
  const [costs = []] = measureRuleCost([view], 3);
  for (const cost of costs) {
    t.same(cost.failures, [], `${cost.review}: no rule threw`);
    t.ok(cost.medianMicros > 0 && cost.medianMicros <= cost.p99Micros, `${cost.review}: median and p99`);
  }
  const found = new Set(costs.flatMap((c) => c.rules));
  for (const id of ['MG106', 'MG107', 'MG114', 'MG301', 'MG401']) t.ok(found.has(id), `${id} finds what the reviews were built to show`);
  const reviewed = new Set(costs.map((c) => c.review.split(' ')[1]));
  for (const rule of defaultRegistry().all().filter((r) => r.needsCluster)) {
    for (const kind of rule.kinds) t.ok(reviewed.has(kind), `${rule.id}: ${kind} is reviewed`);
  }
  const report = formatRuleCost(costs, costs);
  t.match(report, /\| median µs \| p99 µs \| reviewed namespaces only, median µs \| ratio \|/);
  t.match(report, /steepest ratio to the reviewed namespaces alone 1\.00 \(target < 1\.5\): pass/);
});
