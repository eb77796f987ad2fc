import { actionOf } from '../istio/authz.js';
import { reviewedPolicy } from '../istio/scope.js';
import { tcpPortText } from '../istio/workload-ports.js';
import { httpRulesOnTcpPorts } from './http-on-tcp.js';
import { defineRule } from './types.js';

/** Explicit ports next to HTTP attributes are Istio's recommended form, unless one of those ports is TCP. */
export const mg115 = defineRule({
  id: 'MG115',
  kinds: ['AuthorizationPolicy'],
  severity: 'warn',
  summary: 'DENY rule with HTTP attributes on a port a Service declares TCP: the HTTP condition is ignored there and every connection to the port is denied.',
  needsCluster: true,
  check({ object, namespace }, { view, rootNamespace }) {
    const policy = reviewedPolicy('AuthorizationPolicy', object, namespace);
    if (actionOf(policy.spec) !== 'DENY') return [];
    return httpRulesOnTcpPorts(view, policy, rootNamespace, true).map(({ first, tcp }) => ({
      rule: 'MG115',
      severity: 'warn',
      path: first.path,
      message:
        `DENY rule uses the HTTP attribute ${first.field} on ${tcpPortText(tcp)}, where Istio cannot read HTTP and ignores the ` +
        `attribute: every connection to that port that the other conditions match is denied. Remove port ${tcp.port} from this ` +
        `rule if only HTTP requests were meant, or give the port an HTTP name or appProtocol if it does speak HTTP.`,
    }));
  },
});
