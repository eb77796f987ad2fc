import { policySelector } from '../cluster/policy-order.js';
import { reviewedPolicy, workloadsInScope } from '../istio/scope.js';
import { nameList, objectName, workloadName } from './describe.js';
import { defineRule } from './types.js';

export const mg206 = defineRule({
  id: 'MG206',
  kinds: ['PeerAuthentication'],
  severity: 'warn',
  summary: 'Two workload PeerAuthentications select one workload: Istio applies only the oldest.',
  needsCluster: true,
  check({ object, namespace }, { view, rootNamespace }) {
    const policy = reviewedPolicy('PeerAuthentication', object, namespace);
    if (!policySelector(policy) || namespace === rootNamespace) return [];
    const after = view.withChange({ type: 'upsert', object: policy });
    const shared = workloadsInScope(view, policy, rootNamespace).flatMap((workload) => {
      const selecting = after.selecting('PeerAuthentication', workload);
      return selecting.length > 1 ? [{ workload, winner: selecting[0]!, others: selecting.filter((p) => p.name !== policy.name) }] : [];
    });
    const first = shared[0];
    if (!first) return [];
    const winner = first.winner.name === policy.name ? 'this one' : objectName(first.winner);
    const loser = first.winner.name === policy.name ? nameList(first.others.map(objectName)) : 'this one';
    return [
      {
        rule: 'MG206',
        severity: 'warn',
        path: 'spec.selector.matchLabels',
        message:
          `this selector matches ${nameList(shared.map((s) => workloadName(s.workload)))}, which ${nameList(first.others.map(objectName))} ` +
          `also selects, and Istio applies only the oldest workload policy to a workload: ${winner} wins and ${loser} is silently ` +
          `ignored there. Merge the two into one policy, or make their selectors disjoint.`,
      },
    ];
  },
});
