import { actionOf } from '../istio/authz.js';
import { reviewedPolicy } from '../istio/scope.js';
import { tcpPortText } from '../istio/workload-ports.js';
import { httpRulesOnTcpPorts } from './http-on-tcp.js';
import { defineRule } from './types.js';

/** On a TCP filter chain Istio drops an ALLOW rule that uses any HTTP attribute (pilot/pkg/security/authz/builder). */
export const mg102 = defineRule({
  id: 'MG102',
  kinds: ['AuthorizationPolicy'],
  severity: 'deny',
  summary: 'ALLOW rule with HTTP attributes that applies to a port a Service declares TCP: Istio drops the rule there and the TCP traffic is denied.',
  needsCluster: true,
  check({ object, namespace }, { view, rootNamespace }) {
    const policy = reviewedPolicy('AuthorizationPolicy', object, namespace);
    if (actionOf(policy.spec) !== 'ALLOW') return [];
    return httpRulesOnTcpPorts(view, policy, rootNamespace, false).map(({ first, tcp }) => ({
      rule: 'MG102',
      severity: 'deny',
      path: first.path,
      message:
        `ALLOW rule uses the HTTP attribute ${first.field}, and it applies to ${tcpPortText(tcp)}, where Istio cannot read HTTP and ` +
        `drops the whole rule: the TCP traffic it was meant to allow there is denied. Limit this rule to the HTTP ports with ` +
        `ports: [...], and allow port ${tcp.port} in a separate rule without HTTP attributes.`,
    }));
  },
});
