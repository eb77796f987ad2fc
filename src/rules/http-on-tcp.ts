import type { PolicyObject } from '../cluster/model.js';
import type { ClusterView } from '../cluster/view.js';
import { tcpView, type FieldUse } from '../istio/authz.js';
import { rulePorts } from '../istio/rule-ports.js';
import { sidecarsInScope } from '../istio/scope.js';
import { firstTcpPort, type TcpPort } from '../istio/workload-ports.js';

/** A rule of the policy that uses HTTP attributes and reaches a port some Service declares TCP. */
export interface HttpRuleOnTcpPort {
  /** The rule's first HTTP attribute. */
  first: FieldUse;
  tcp: TcpPort;
}

/**
 * For each rule with HTTP attributes, the first TCP port it applies to among the sidecar workloads
 * in scope: its `ports`, or (unless `onlyWithPorts`) every port the workloads receive on.
 */
export function httpRulesOnTcpPorts(view: ClusterView, policy: PolicyObject<'AuthorizationPolicy'>, rootNamespace: string, onlyWithPorts: boolean): HttpRuleOnTcpPort[] {
  return (policy.spec.rules ?? []).flatMap((rule, i) => {
    const first = tcpView(rule, `spec.rules[${i}]`).httpOnly[0];
    const ports = rulePorts(rule);
    if (!first || (onlyWithPorts && !ports)) return [];
    const tcp = firstTcpPort(view, sidecarsInScope(view, policy, rootNamespace), ports);
    return tcp ? [{ first, tcp }] : [];
  });
}
