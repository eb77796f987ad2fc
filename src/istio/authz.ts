import type { AuthorizationPolicySpec } from './kinds.js';
import { isHttpOnlyConditionKey } from './conditions.js';
import { hasSelector } from './selector.js';

export type AuthorizationRule = NonNullable<AuthorizationPolicySpec['rules']>[number];
export type AuthorizationSource = NonNullable<NonNullable<AuthorizationRule['from']>[number]['source']>;
export type AuthorizationOperation = NonNullable<NonNullable<AuthorizationRule['to']>[number]['operation']>;
export type PolicyAction = 'ALLOW' | 'DENY' | 'AUDIT' | 'CUSTOM';

/** `to[].operation` fields that exist only in HTTP: on a TCP filter chain Istio cannot evaluate them. */
export const HTTP_ONLY_OPERATION_FIELDS = ['hosts', 'notHosts', 'paths', 'notPaths', 'methods', 'notMethods'] as const;
/** `from[].source` fields that exist only in HTTP (request principals come from a JWT). */
export const HTTP_ONLY_SOURCE_FIELDS = ['requestPrincipals', 'notRequestPrincipals'] as const;

export { isHttpOnlyConditionKey };

/** The action Istio applies: ALLOW when unset. */
export function actionOf(spec: AuthorizationPolicySpec | undefined): PolicyAction {
  return spec?.action ?? 'ALLOW';
}

export interface FieldUse {
  /** Field path, e.g. `spec.rules[0].to[0].operation.methods`. */
  path: string;
  field: string;
  /** True when the use sits in a `to` entry that also lists ports or notPorts. */
  ported?: boolean;
}

/**
 * How a rule looks on a TCP filter chain (pilot/pkg/security/authz/model: generators return "HTTP only"
 * errors there). For ALLOW the whole rule is dropped; for DENY/AUDIT only the HTTP condition is, so a
 * clause left with nothing matches anything.
 */
export interface TcpView {
  /** HTTP-only fields the rule uses, in document order. */
  httpOnly: FieldUse[];
  /** True when, with HTTP-only conditions removed, the rule matches every TCP connection. */
  matchesEveryTcpConnection: boolean;
  /**
   * True when some `to` clause (or the missing `to`) names no `ports`/`notPorts` and no `when`
   * restricts `destination.port`: on TCP the rule then applies to every port of the workload.
   */
  coversEveryPort: boolean;
  /** Paths of the conditions that still restrict the rule on TCP (sources, IPs, SNI...). */
  tcpConditions: string[];
}

/** MG101, MG102 and MG115 read the same rules of one decoded object: each rule's view is computed once. */
const tcpViews = new WeakMap<AuthorizationRule, { rulePath: string; view: TcpView }>();

export function tcpView(rule: AuthorizationRule, rulePath: string): TcpView {
  const cached = tcpViews.get(rule);
  if (cached?.rulePath === rulePath) return cached.view;
  const view = computeTcpView(rule, rulePath);
  tcpViews.set(rule, { rulePath, view });
  return view;
}

function computeTcpView(rule: AuthorizationRule, rulePath: string): TcpView {
  const httpOnly: FieldUse[] = [];
  const tcpConditions: string[] = [];
  const fromEntries = rule.from ?? [];
  const toEntries = rule.to ?? [];
  const conditions = rule.when ?? [];

  let anyFromClauseMatchesAll = fromEntries.length === 0;
  fromEntries.forEach((entry, i) => {
    const used = presentFields(entry.source);
    const http = used.filter((f) => (HTTP_ONLY_SOURCE_FIELDS as readonly string[]).includes(f));
    for (const field of http) httpOnly.push({ path: `${rulePath}.from[${i}].source.${field}`, field });
    for (const field of used) if (!http.includes(field)) tcpConditions.push(`${rulePath}.from[${i}].source.${field}`);
    if (used.length === http.length) anyFromClauseMatchesAll = true;
  });

  let anyToClauseMatchesAll = toEntries.length === 0;
  let anyToClauseWithoutPorts = toEntries.length === 0;
  toEntries.forEach((entry, i) => {
    const used = presentFields(entry.operation);
    const http = used.filter((f) => (HTTP_ONLY_OPERATION_FIELDS as readonly string[]).includes(f));
    const ported = used.includes('ports') || used.includes('notPorts');
    for (const field of http) httpOnly.push({ path: `${rulePath}.to[${i}].operation.${field}`, field, ported });
    if (used.length === http.length) anyToClauseMatchesAll = true;
    if (!ported) anyToClauseWithoutPorts = true;
  });

  let allConditionsHttpOnly = true;
  let portCondition = false;
  conditions.forEach((condition, i) => {
    if (isHttpOnlyConditionKey(condition.key)) {
      httpOnly.push({ path: `${rulePath}.when[${i}]`, field: `when ${condition.key}` });
      return;
    }
    allConditionsHttpOnly = false;
    if (condition.key === 'destination.port') portCondition = true;
    tcpConditions.push(`${rulePath}.when[${i}]`);
  });

  return {
    httpOnly,
    matchesEveryTcpConnection: anyFromClauseMatchesAll && anyToClauseMatchesAll && allConditionsHttpOnly,
    coversEveryPort: anyToClauseWithoutPorts && !portCondition,
    tcpConditions,
  };
}

function presentFields(clause: AuthorizationSource | AuthorizationOperation | undefined): string[] {
  if (!clause) return [];
  return Object.entries(clause)
    .filter(([, value]) => Array.isArray(value) && value.length > 0)
    .map(([key]) => key);
}

/** targetRef or targetRefs: the AuthorizationPolicy or RequestAuthentication attaches to gateways and waypoints, not to sidecars. */
export function hasTargetRefs(spec: { targetRef?: unknown; targetRefs?: readonly unknown[] } | undefined): boolean {
  return spec?.targetRef !== undefined || (spec?.targetRefs?.length ?? 0) > 0;
}

/** Where a policy applies, for messages: "the selected workloads", "namespace foo", "the whole mesh". */
export function policyScope(spec: AuthorizationPolicySpec | undefined, namespace: string, rootNamespace: string): string {
  if (hasSelector(spec)) return 'the selected workloads';
  if (hasTargetRefs(spec)) return 'the targeted resources';
  return namespace === rootNamespace ? 'every workload in the mesh' : `every workload in namespace ${namespace}`;
}
