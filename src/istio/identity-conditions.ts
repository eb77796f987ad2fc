import type { AuthorizationRule, AuthorizationSource } from './authz.js';

/** One condition on who the caller is, with whether it is a `not` form. */
export interface IdentityCondition {
  path: string;
  /** `principals`, `notNamespaces`, `when source.principal`, `when request.auth.claims[iss] notValues`... */
  field: string;
  negated: boolean;
}

type SourceFields = ReadonlyArray<readonly [keyof AuthorizationSource, boolean]>;

/**
 * `from[].source` fields and `when` keys Istio matches against the peer's mTLS certificate (SPIFFE
 * identity). A plaintext request has no certificate, so these are empty for it.
 */
const PEER_FIELDS: SourceFields = [
  ['principals', false],
  ['notPrincipals', true],
  ['namespaces', false],
  ['notNamespaces', true],
  ['serviceAccounts', false],
  ['notServiceAccounts', true],
];
const PEER_KEYS = ['source.principal', 'source.namespace', 'source.serviceAccount'];

/**
 * `from[].source` fields and `when` keys Istio matches against the request's JWT, as validated by a
 * RequestAuthentication. Without one that applies, they are empty for every request.
 */
const JWT_FIELDS: SourceFields = [
  ['requestPrincipals', false],
  ['notRequestPrincipals', true],
];
const isJwtKey = (key: string) => key.startsWith('request.auth.');

export function peerIdentityConditions(rule: AuthorizationRule, rulePath: string): IdentityCondition[] {
  return identityConditions(rule, rulePath, PEER_FIELDS, (key) => PEER_KEYS.includes(key));
}

export function jwtConditions(rule: AuthorizationRule, rulePath: string): IdentityCondition[] {
  return identityConditions(rule, rulePath, JWT_FIELDS, isJwtKey);
}

/** Whether some rule of the policy matches on the request's JWT (the store counts these per namespace). */
export function matchesOnJwt(spec: { rules?: readonly AuthorizationRule[] }): boolean {
  return (spec.rules ?? []).some((rule) => jwtConditions(rule, '').length > 0);
}

function identityConditions(rule: AuthorizationRule, rulePath: string, fields: SourceFields, isKey: (key: string) => boolean): IdentityCondition[] {
  const found: IdentityCondition[] = [];
  rule.from?.forEach((entry, i) => {
    for (const [field, negated] of fields) {
      if ((entry.source?.[field]?.length ?? 0) > 0) found.push({ path: `${rulePath}.from[${i}].source.${field}`, field, negated });
    }
  });
  rule.when?.forEach((condition, i) => {
    if (!isKey(condition.key)) return;
    if ((condition.values?.length ?? 0) > 0) found.push({ path: `${rulePath}.when[${i}].values`, field: `when ${condition.key}`, negated: false });
    if ((condition.notValues?.length ?? 0) > 0) found.push({ path: `${rulePath}.when[${i}].notValues`, field: `when ${condition.key} notValues`, negated: true });
  });
  return found;
}
