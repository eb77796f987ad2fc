import { policyScope, tcpView } from '../istio/authz.js';
import { defineRule, type Finding } from './types.js';

export const mg101 = defineRule({
  id: 'MG101',
  kinds: ['AuthorizationPolicy'],
  severity: 'deny',
  summary: 'DENY rule with only HTTP attributes (no ports): denies every TCP connection in scope.',
  needsCluster: false,
  check({ object, namespace }, { rootNamespace }) {
    const spec = object.spec;
    if (spec?.action !== 'DENY') return [];
    const findings: Finding[] = [];
    (spec.rules ?? []).forEach((rule, i) => {
      const view = tcpView(rule, `spec.rules[${i}]`);
      const first = view.httpOnly[0];
      if (!first || !view.matchesEveryTcpConnection) return;
      const fields = [...new Set(view.httpOnly.map((u) => u.field))].join(', ');
      findings.push({
        rule: 'MG101',
        severity: 'deny',
        path: first.path,
        message:
          `DENY rule uses only HTTP attributes (${fields}), so on TCP ports Istio drops them and the rule matches every connection: ` +
          `all TCP traffic to ${policyScope(spec, namespace, rootNamespace)} is denied. ` +
          `Add ports: [...] listing the HTTP ports to the same operation to limit the rule to them.`,
      });
    });
    return findings;
  },
});
