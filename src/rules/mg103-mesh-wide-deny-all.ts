import { hasTargetRefs, type AuthorizationRule } from '../istio/authz.js';
import { hasSelector } from '../istio/selector.js';
import { defineRule, type Finding } from './types.js';

/** HTTP fields whose `*` matches every request (and which a TCP filter chain drops anyway). */
const WILDCARD_FIELDS = ['paths', 'methods', 'hosts'];

export const mg103 = defineRule({
  id: 'MG103',
  kinds: ['AuthorizationPolicy'],
  severity: 'deny',
  summary: 'DENY rule that matches every request in a selectorless policy in the root namespace: denies all traffic in the mesh.',
  needsCluster: false,
  check({ object, namespace }, { rootNamespace }) {
    const spec = object.spec;
    if (spec?.action !== 'DENY' || namespace !== rootNamespace || hasSelector(spec) || hasTargetRefs(spec)) return [];
    const findings: Finding[] = [];
    (spec.rules ?? []).forEach((rule, i) => {
      if (!matchesEveryRequest(rule)) return;
      findings.push({
        rule: 'MG103',
        severity: 'deny',
        path: `spec.rules[${i}]`,
        message:
          `DENY rule matches every request and the policy has no selector in the root namespace ${rootNamespace}, so it applies to every ` +
          `workload in the mesh: all traffic is denied, and no ALLOW policy can re-open it because Istio evaluates DENY before ALLOW. ` +
          `Give the rule from/to/when conditions that name what to deny, or add a selector (or move the policy to the namespace it is meant for).`,
      });
    });
    return findings;
  },
});

function matchesEveryRequest(rule: AuthorizationRule): boolean {
  if ((rule.when ?? []).length > 0) return false;
  const from = rule.from ?? [];
  const to = rule.to ?? [];
  const anySource = from.length === 0 || from.some((f) => Object.values(f.source ?? {}).every((v) => !Array.isArray(v) || v.length === 0));
  const anyOperation =
    to.length === 0 ||
    to.some((t) =>
      Object.entries(t.operation ?? {}).every(
        ([field, values]) =>
          !Array.isArray(values) || values.length === 0 || (WILDCARD_FIELDS.includes(field) && (values as string[]).includes('*')),
      ),
    );
  return anySource && anyOperation;
}
