import { policySelector } from '../cluster/policy-order.js';
import type { IstioKind } from '../cluster/view.js';
import { reviewedPolicy, workloadsInScope } from '../istio/scope.js';
import { selectorText } from '../istio/sidecar-tls.js';
import type { Finding, Subject, RuleContext } from './types.js';

/**
 * A selector that matches no workload: the object applies to nothing, usually a label typo. A
 * PeerAuthentication selector in the root namespace is MG205's (Istio ignores it), so it is left out.
 */
export function selectorMatchesNothing<K extends IstioKind>(rule: string, kind: K, subject: Subject<K>, { view, rootNamespace }: RuleContext, consequence: string): Finding[] {
  const policy = reviewedPolicy(kind, subject.object, subject.namespace);
  const selector = policySelector(policy);
  if (!selector || (kind === 'PeerAuthentication' && policy.namespace === rootNamespace)) return [];
  if (workloadsInScope(view, policy, rootNamespace).length > 0) return [];
  const where = policy.namespace === rootNamespace ? 'any namespace' : `namespace ${policy.namespace}`;
  return [
    {
      rule,
      severity: 'warn',
      path: 'spec.selector.matchLabels',
      message:
        `selector {${selectorText(selector)}} matches no workload in ${where}: ${consequence} ` +
        `Check the labels against the pods (kubectl get pods -n ${policy.namespace} --show-labels), or apply the workload first.`,
    },
  ];
}
