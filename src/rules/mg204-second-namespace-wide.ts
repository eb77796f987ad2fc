import { comparePolicies, policySelector } from '../cluster/policy-order.js';
import { reviewedPolicy } from '../istio/scope.js';
import { objectName } from './describe.js';
import { defineRule } from './types.js';

export const mg204 = defineRule({
  id: 'MG204',
  kinds: ['PeerAuthentication'],
  severity: 'deny',
  summary: 'A second selectorless PeerAuthentication in a namespace: Istio silently uses only the oldest.',
  needsCluster: true,
  check({ object, namespace }, { view, rootNamespace }) {
    const policy = reviewedPolicy('PeerAuthentication', object, namespace);
    if (policySelector(policy)) return [];
    const older = view.policies('PeerAuthentication', namespace).find((p) => p.name !== policy.name && !policySelector(p) && comparePolicies(p, policy) < 0);
    if (!older) return [];
    const scope = namespace === rootNamespace ? 'mesh-wide' : `namespace-wide in ${namespace}`;
    return [
      {
        rule: 'MG204',
        severity: 'deny',
        path: 'spec.selector',
        message:
          `this PeerAuthentication has no selector, so it is ${scope}, but ${objectName(older)} already is, and Istio uses only the oldest ` +
          `selectorless policy of a namespace: this one is silently ignored and its mode never applies. Change ${objectName(older)} instead, ` +
          `or add a selector to make this a workload policy.`,
      },
    ];
  },
});
