import type { ClusterView } from '../cluster/view.js';
import { policyScope, tcpView, type AuthorizationRule, type FieldUse } from '../istio/authz.js';
import { reviewedPolicy, sidecarsInScope } from '../istio/scope.js';
import { everyPortIsHttp } from '../istio/workload-ports.js';
import { defineRule, type Finding, type Subject } from './types.js';

/**
 * On a TCP filter chain Istio cannot evaluate HTTP attributes; for a DENY rule it drops them and keeps
 * the rest (pilot/pkg/security/authz/model, checkError), so the rule denies more than it says. Without
 * `ports` the widened rule covers every TCP port of the workload: denied when nothing else limits it,
 * a warning when source or `when` conditions still do. istiod itself only warns about both.
 * With cluster state, a policy whose workloads receive only on ports their Services declare HTTP has
 * no TCP filter chain to widen on: no finding.
 */
export const mg101 = defineRule({
  id: 'MG101',
  kinds: ['AuthorizationPolicy'],
  severity: 'deny',
  summary: 'DENY rule with only HTTP attributes (no ports): denies every TCP connection in scope (with cluster state: not when every port in scope is HTTP).',
  needsCluster: false,
  check(subject, { view, rootNamespace }) {
    const { object, namespace } = subject;
    const spec = object.spec;
    if (spec?.action !== 'DENY') return [];
    const scope = policyScope(spec, namespace, rootNamespace);
    const findings: Finding[] = [];
    (spec.rules ?? []).forEach((rule, i) => {
      const tcp = tcpView(rule, `spec.rules[${i}]`);
      const widening = tcp.httpOnly.filter((use) => !use.ported);
      const first = widening[0];
      if (!first || !tcp.coversEveryPort) return;
      const fields = [...new Set(widening.map((u) => u.field))].join(', ');
      const consequence = tcp.matchesEveryTcpConnection
        ? `DENY rule uses only HTTP attributes (${fields}), so on TCP ports Istio drops them and the rule matches every connection: ` +
          `all TCP traffic to ${scope} is denied.`
        : `DENY rule combines HTTP attributes (${fields}) with ${tcp.tcpConditions.join(', ')} and lists no ports, so on TCP ports ` +
          `Istio drops the HTTP attributes and denies every TCP connection to ${scope} that the remaining conditions match.`;
      // With source conditions left, the damage is limited to those sources: admitted with a warning.
      const severity = tcp.matchesEveryTcpConnection ? 'deny' : 'warn';
      findings.push({ rule: 'MG101', severity, path: first.path, message: `${consequence} ${portsFix(rule, first)}` });
    });
    return findings.length > 0 && onlyHttpPortsInScope(subject, view, rootNamespace) ? [] : findings;
  },
});

function onlyHttpPortsInScope({ object, namespace }: Subject<'AuthorizationPolicy'>, view: ClusterView, rootNamespace: string): boolean {
  if (!view.synced) return false;
  return everyPortIsHttp(view, sidecarsInScope(view, reviewedPolicy('AuthorizationPolicy', object, namespace), rootNamespace));
}

function portsFix(rule: AuthorizationRule, first: FieldUse): string {
  if (/\.to\[\d+\]\.operation\./.test(first.path)) return 'Add ports: [...] listing the HTTP ports to the same operation to limit the rule to them.';
  if ((rule.to ?? []).length > 0) return 'Add ports: [...] listing the HTTP ports to each to[].operation to limit the rule to them.';
  return 'Add to: [{operation: {ports: [...]}}] listing the HTTP ports to limit the rule to them.';
}
