import type { AuthorizationPolicySpec } from './kinds.js';

export type AuthorizationRule = NonNullable<AuthorizationPolicySpec['rules']>[number];
type Source = NonNullable<NonNullable<AuthorizationRule['from']>[number]['source']>;
type Operation = NonNullable<NonNullable<AuthorizationRule['to']>[number]['operation']>;

/** `to[].operation` fields that exist only in HTTP: on a TCP filter chain Istio cannot evaluate them. */
export const HTTP_ONLY_OPERATION_FIELDS = ['hosts', 'notHosts', 'paths', 'notPaths', 'methods', 'notMethods'] as const;
/** `from[].source` fields that exist only in HTTP (request principals come from a JWT). */
export const HTTP_ONLY_SOURCE_FIELDS = ['requestPrincipals', 'notRequestPrincipals'] as const;

/** `when[].key` values that exist only in HTTP. */
export function isHttpOnlyConditionKey(key: string): boolean {
  return key.startsWith('request.headers[') || key.startsWith('request.auth.');
}

export interface FieldUse {
  /** Field path, e.g. `spec.rules[0].to[0].operation.methods`. */
  path: string;
  field: string;
}

/**
 * How a rule looks on a TCP filter chain. Istio drops HTTP-only conditions there: for ALLOW the whole
 * rule is dropped, for DENY/AUDIT only the condition, so each emptied clause then matches anything.
 */
export interface TcpView {
  /** HTTP-only fields the rule uses, in document order. */
  httpOnly: FieldUse[];
  /** True when, with HTTP-only conditions removed, the rule matches every TCP connection. */
  matchesEveryTcpConnection: boolean;
}

export function tcpView(rule: AuthorizationRule, rulePath: string): TcpView {
  const httpOnly: FieldUse[] = [];
  const fromEntries = rule.from ?? [];
  const toEntries = rule.to ?? [];
  const conditions = rule.when ?? [];

  let anyFromClauseMatchesAll = fromEntries.length === 0;
  fromEntries.forEach((entry, i) => {
    const used = presentFields(entry.source);
    const http = used.filter((f) => (HTTP_ONLY_SOURCE_FIELDS as readonly string[]).includes(f));
    for (const field of http) httpOnly.push({ path: `${rulePath}.from[${i}].source.${field}`, field });
    if (used.length === http.length) anyFromClauseMatchesAll = true;
  });

  let anyToClauseMatchesAll = toEntries.length === 0;
  toEntries.forEach((entry, i) => {
    const used = presentFields(entry.operation);
    const http = used.filter((f) => (HTTP_ONLY_OPERATION_FIELDS as readonly string[]).includes(f));
    for (const field of http) httpOnly.push({ path: `${rulePath}.to[${i}].operation.${field}`, field });
    if (used.length === http.length) anyToClauseMatchesAll = true;
  });

  let allConditionsHttpOnly = true;
  conditions.forEach((condition, i) => {
    if (isHttpOnlyConditionKey(condition.key)) httpOnly.push({ path: `${rulePath}.when[${i}]`, field: `when ${condition.key}` });
    else allConditionsHttpOnly = false;
  });

  return {
    httpOnly,
    matchesEveryTcpConnection: anyFromClauseMatchesAll && anyToClauseMatchesAll && allConditionsHttpOnly,
  };
}

function presentFields(clause: Source | Operation | undefined): string[] {
  if (!clause) return [];
  return Object.entries(clause)
    .filter(([, value]) => Array.isArray(value) && value.length > 0)
    .map(([key]) => key);
}

/** Where a policy applies, for messages: "the selected workloads", "namespace foo", "the whole mesh". */
export function policyScope(spec: AuthorizationPolicySpec | undefined, namespace: string, rootNamespace: string): string {
  if (spec?.selector?.matchLabels && Object.keys(spec.selector.matchLabels).length > 0) return 'the selected workloads';
  if (spec?.targetRef || (spec?.targetRefs && spec.targetRefs.length > 0)) return 'the targeted resources';
  return namespace === rootNamespace ? 'every workload in the mesh' : `every workload in namespace ${namespace}`;
}
