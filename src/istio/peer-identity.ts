import type { AuthorizationRule } from './authz.js';

/**
 * `from[].source` fields Istio matches against the peer's mTLS certificate (SPIFFE identity). A
 * plaintext request has no certificate, so these are empty for it.
 */
const SOURCE_FIELDS = [
  ['principals', false],
  ['notPrincipals', true],
  ['namespaces', false],
  ['notNamespaces', true],
  ['serviceAccounts', false],
  ['notServiceAccounts', true],
] as const;
const CONDITION_KEYS = ['source.principal', 'source.namespace', 'source.serviceAccount'];

/** One condition on the peer's mTLS identity, with whether it is a `not` form. */
export interface IdentityCondition {
  path: string;
  /** `principals`, `notNamespaces`, `when source.principal`... */
  field: string;
  negated: boolean;
}

export function peerIdentityConditions(rule: AuthorizationRule, rulePath: string): IdentityCondition[] {
  const found: IdentityCondition[] = [];
  rule.from?.forEach((entry, i) => {
    for (const [field, negated] of SOURCE_FIELDS) {
      if ((entry.source?.[field]?.length ?? 0) > 0) found.push({ path: `${rulePath}.from[${i}].source.${field}`, field, negated });
    }
  });
  rule.when?.forEach((condition, i) => {
    if (!CONDITION_KEYS.includes(condition.key)) return;
    if ((condition.values?.length ?? 0) > 0) found.push({ path: `${rulePath}.when[${i}].values`, field: `when ${condition.key}`, negated: false });
    if ((condition.notValues?.length ?? 0) > 0) found.push({ path: `${rulePath}.when[${i}].notValues`, field: `when ${condition.key} notValues`, negated: true });
  });
  return found;
}
