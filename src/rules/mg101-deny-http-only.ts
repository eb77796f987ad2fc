import { policyScope, tcpView, type AuthorizationRule, type FieldUse } from '../istio/authz.js';
import { defineRule, type Finding } from './types.js';

/**
 * On a TCP filter chain Istio cannot evaluate HTTP attributes; for a DENY rule it drops them and keeps
 * the rest (pilot/pkg/security/authz/model, checkError), so the rule denies more than it says. Without
 * `ports` the widened rule covers every TCP port of the workload. istiod itself only warns about this.
 */
export const mg101 = defineRule({
  id: 'MG101',
  kinds: ['AuthorizationPolicy'],
  severity: 'deny',
  summary: 'DENY rule with only HTTP attributes (no ports): denies every TCP connection in scope.',
  needsCluster: false,
  check({ object, namespace }, { rootNamespace }) {
    const spec = object.spec;
    if (spec?.action !== 'DENY') return [];
    const scope = policyScope(spec, namespace, rootNamespace);
    const findings: Finding[] = [];
    (spec.rules ?? []).forEach((rule, i) => {
      const view = tcpView(rule, `spec.rules[${i}]`);
      const widening = view.httpOnly.filter((use) => !use.ported);
      const first = widening[0];
      if (!first || !view.coversEveryPort) return;
      const fields = [...new Set(widening.map((u) => u.field))].join(', ');
      const consequence = view.matchesEveryTcpConnection
        ? `DENY rule uses only HTTP attributes (${fields}), so on TCP ports Istio drops them and the rule matches every connection: ` +
          `all TCP traffic to ${scope} is denied.`
        : `DENY rule combines HTTP attributes (${fields}) with ${view.tcpConditions.join(', ')} and lists no ports, so on TCP ports ` +
          `Istio drops the HTTP attributes and denies every TCP connection to ${scope} that the remaining conditions match.`;
      findings.push({ rule: 'MG101', severity: 'deny', path: first.path, message: `${consequence} ${portsFix(rule, first)}` });
    });
    return findings;
  },
});

function portsFix(rule: AuthorizationRule, first: FieldUse): string {
  if (/\.to\[\d+\]\.operation\./.test(first.path)) return 'Add ports: [...] listing the HTTP ports to the same operation to limit the rule to them.';
  if ((rule.to ?? []).length > 0) return 'Add ports: [...] listing the HTTP ports to each to[].operation to limit the rule to them.';
  return 'Add to: [{operation: {ports: [...]}}] listing the HTTP ports to limit the rule to them.';
}
