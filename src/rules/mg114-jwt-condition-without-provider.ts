import type { PolicyObject, WorkloadInfo } from '../cluster/model.js';
import { actionOf, hasTargetRefs, type PolicyAction } from '../istio/authz.js';
import { jwtConditions, type IdentityCondition } from '../istio/identity-conditions.js';
import { hasJwtProvider, validatesJwts, workloadsWithoutJwtProvider } from '../istio/jwt-providers.js';
import { authorizationPoliciesFor, isMeshWide, pendingChange, reviewedPolicy, workloadsInScope } from '../istio/scope.js';
import { neverMatchConsequence, neverMatchSeverity } from './by-action.js';
import { nameList, objectName, workloadName } from './describe.js';
import { defineRule, type Finding, type RuleContext, type Severity, type Subject } from './types.js';

/**
 * Istio fills the request principal and the `request.auth.*` attributes only from a JWT that a
 * RequestAuthentication validated at the workload's sidecar; without one they are empty for every request.
 * Judged on the AuthorizationPolicy, and on the UPDATE or DELETE of a RequestAuthentication that
 * policies need (a new selector, jwtRules removed, or targetRefs moving it to gateways).
 */
export const mg114 = defineRule({
  id: 'MG114',
  kinds: ['AuthorizationPolicy', 'RequestAuthentication'],
  severity: 'by action',
  summary: 'requestPrincipals or request.auth.* for workloads no RequestAuthentication validates JWTs for: the condition never sees a token (judged on the policy; an UPDATE or DELETE of the RequestAuthentication that leaves them without one is warned).',
  needsCluster: true,
  operations: ['CREATE', 'UPDATE', 'DELETE'],
  check(subject, context) {
    if (subject.kind === 'RequestAuthentication') return subject.operation === 'CREATE' ? [] : providerLossSide(subject as Subject<'RequestAuthentication'>, context);
    return subject.operation === 'DELETE' ? [] : policySide(subject as Subject<'AuthorizationPolicy'>, context);
  },
});

function policySide({ object, namespace }: Subject<'AuthorizationPolicy'>, { view, rootNamespace }: RuleContext): Finding[] {
  const policy = reviewedPolicy('AuthorizationPolicy', object, namespace);
  const conditions = conditionsOf(policy);
  if (conditions.length === 0) return [];
  const uncovered = workloadsWithoutJwtProvider(view, policy, rootNamespace);
  if (uncovered.length === 0) return [];
  const action = actionOf(policy.spec);
  const where = policy.namespace === rootNamespace ? 'in their namespaces' : `in namespace ${policy.namespace}`;
  return conditions.map((condition) => ({
    rule: 'MG114',
    severity: severity(action, condition.negated),
    path: condition.path,
    message:
      `${condition.field} matches the JWT that a RequestAuthentication validated, but no RequestAuthentication with jwtRules applies to ` +
      `${nameList(uncovered.map(workloadName))}, so their requests never carry a validated token and ${consequence(action, condition.negated)}. ` +
      `Apply a RequestAuthentication with jwtRules for these workloads first (${where}, or in ${rootNamespace} for the whole mesh).`,
  }));
}

/**
 * A RequestAuthentication deleted, or changed so that it stops validating JWTs at some sidecars: each
 * AuthorizationPolicy that matches on a JWT there is warned about, never denied (the policy is what
 * needs changing, and blocking the RequestAuthentication change would not make it right).
 */
function providerLossSide({ object, oldObject, namespace, operation }: Subject<'RequestAuthentication'>, { view, rootNamespace }: RuleContext): Finding[] {
  const updated = operation === 'UPDATE' ? reviewedPolicy('RequestAuthentication', object, namespace) : undefined;
  const previous = operation === 'UPDATE' ? oldObject && reviewedPolicy('RequestAuthentication', oldObject, namespace) : reviewedPolicy('RequestAuthentication', object, namespace);
  if (!previous || !validatesJwts(previous) || (updated && sameCoverage(previous, updated))) return [];
  const after = view.withChange(updated ? pendingChange(updated, 'UPDATE') : pendingChange(previous, 'DELETE'));
  const dependents = new Map<string, { policy: PolicyObject<'AuthorizationPolicy'>; conditions: IdentityCondition[]; workloads: WorkloadInfo[] }>();
  const depends = (policy: PolicyObject<'AuthorizationPolicy'>, workload: WorkloadInfo) => {
    const key = objectName(policy);
    const dependent = dependents.get(key) ?? { policy, conditions: conditionsOf(policy), workloads: [] };
    dependent.workloads.push(workload);
    dependents.set(key, dependent);
  };
  const losesProvider = (workload: WorkloadInfo) => workload.sidecar && !hasJwtProvider(after, workload, rootNamespace);
  if (isMeshWide(previous, rootNamespace)) {
    // Every workload is in scope: start from the few policies that match on a JWT instead.
    for (const ns of view.meshCounts('jwtAuthorizationPolicies').namespaces()) {
      for (const policy of after.policies('AuthorizationPolicy', ns)) {
        if (conditionsOf(policy).length > 0) for (const workload of workloadsInScope(after, policy, rootNamespace)) if (losesProvider(workload)) depends(policy, workload);
      }
    }
  } else {
    for (const workload of workloadsInScope(view, previous, rootNamespace)) {
      if (losesProvider(workload)) for (const policy of authorizationPoliciesFor(after, workload, rootNamespace)) depends(policy, workload);
    }
  }
  return [...dependents.values()].filter((d) => d.conditions.length > 0).map(({ policy, conditions, workloads }): Finding => {
    const [first] = conditions as [IdentityCondition];
    return {
      rule: 'MG114',
      severity: 'warn',
      path: updated ? changedField(updated) : 'metadata.name',
      message:
        `${updated ? 'this change' : 'deleting this RequestAuthentication'} leaves ${nameList(workloads.map(workloadName))} with no RequestAuthentication that validates ` +
        `JWTs, but ${objectName(policy)} matches on ${first.field} there (${first.path}): their requests will never carry a validated ` +
        `token, so ${consequence(actionOf(policy.spec), first.negated)}. Change or delete ${objectName(policy)} first, or keep a ` +
        `RequestAuthentication with jwtRules for these workloads.`,
    };
  });
}

/** The same workloads covered: the fields that decide where it validates JWTs are unchanged (labels, annotations, issuers may differ). */
function sameCoverage(previous: PolicyObject<'RequestAuthentication'>, updated: PolicyObject<'RequestAuthentication'>): boolean {
  const coverage = (policy: PolicyObject<'RequestAuthentication'>) => JSON.stringify([validatesJwts(policy), policy.spec.selector, policy.spec.targetRef, policy.spec.targetRefs]);
  return coverage(previous) === coverage(updated);
}

/** Why the updated RequestAuthentication covers fewer workloads: it validates no JWTs at sidecars any more, or selects others. */
function changedField(updated: PolicyObject<'RequestAuthentication'>): string {
  if (validatesJwts(updated)) return 'spec.selector';
  return hasTargetRefs(updated.spec) ? (updated.spec.targetRefs ? 'spec.targetRefs' : 'spec.targetRef') : 'spec.jwtRules';
}

function conditionsOf(policy: PolicyObject<'AuthorizationPolicy'>): IdentityCondition[] {
  return (policy.spec.rules ?? []).flatMap((rule, r) => jwtConditions(rule, `spec.rules[${r}]`));
}

/**
 * A `not` condition on the JWT matches every request when no token is validated. In a DENY (the
 * documented "require a JWT" form, notRequestPrincipals: ["*"]) that denies every request in scope,
 * valid token or not: an outage of the workloads, not the few spared requests `neverMatchSeverity`
 * weighs for a `not` value, so it is denied.
 */
function severity(action: PolicyAction, negated: boolean): Severity {
  return negated && action === 'DENY' ? 'deny' : neverMatchSeverity(action, negated);
}

function consequence(action: PolicyAction, negated: boolean): string {
  if (!negated) return `the condition never matches: ${neverMatchConsequence(action, false)}`;
  if (action === 'DENY') return 'the exclusion never applies: the DENY rule denies every request its other conditions match, valid token or not';
  return neverMatchConsequence(action, true);
}
