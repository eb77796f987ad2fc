import type { PolicyAction } from '../istio/authz.js';
import type { Severity } from './types.js';

/**
 * Severity of a value that can never match, "by action". A positive condition that never matches
 * silently drops requests out of the rule: a hole in DENY/AUDIT/CUSTOM (CUSTOM: the external authorizer
 * is skipped), a lock-out in ALLOW. A `not` condition whose value never matches excludes nothing and
 * so matches everything: over-permitting in ALLOW (a hole), over-denying elsewhere (a lock-out).
 */
export function neverMatchSeverity(action: PolicyAction, negated: boolean): Severity {
  const opensHole = negated ? action === 'ALLOW' : action !== 'ALLOW';
  return opensHole ? 'deny' : 'warn';
}

/** What the never-matching value does at runtime, as a clause for the message. */
export function neverMatchConsequence(action: PolicyAction, negated: boolean): string {
  if (negated) {
    const widened: Record<PolicyAction, string> = {
      ALLOW: 'the exclusion never applies and the ALLOW rule admits requests it was meant to refuse',
      DENY: 'the exclusion never applies and the DENY rule also denies the requests it was meant to spare',
      AUDIT: 'the exclusion never applies and the AUDIT rule also audits the requests it was meant to skip',
      CUSTOM: 'the exclusion never applies and the external authorizer is also asked about the requests it was meant to skip',
    };
    return widened[action];
  }
  const narrowed: Record<PolicyAction, string> = {
    ALLOW: 'the ALLOW rule never admits the requests it names, so they are denied',
    DENY: 'the DENY rule never matches the requests it names, so they are allowed',
    AUDIT: 'the AUDIT rule never matches the requests it names, so they are not audited',
    CUSTOM: 'the requests it names are never sent to the external authorizer, so they pass unchecked',
  };
  return narrowed[action];
}
