import { reviewedPolicy } from '../istio/scope.js';
import { nameList, objectName } from './describe.js';
import { conflictingSites, serverSides } from './tls-conflicts.js';
import { tlsSenderFindings } from './tls-senders.js';
import { defineRule, type Finding, type RuleContext, type Subject } from './types.js';

/**
 * Plaintext from the client sidecar (DestinationRule tls.mode DISABLE) to a server sidecar port that
 * is STRICT. Judged both ways, like MG210 is for ISTIO_MUTUAL: when the DestinationRule arrives, and
 * when a PeerAuthentication change or deletion makes a port STRICT that such a rule sends plaintext to.
 */
export const mg301 = defineRule({
  id: 'MG301',
  kinds: ['DestinationRule', 'PeerAuthentication'],
  severity: 'deny',
  summary:
    'DestinationRule tls.mode DISABLE (top, port level or subset) to workloads whose port is STRICT: every connection is reset (judged on the DestinationRule and on PeerAuthentication changes; a DELETE is warned).',
  needsCluster: true,
  operations: ['CREATE', 'UPDATE', 'DELETE'],
  check(subject, context) {
    if (subject.kind === 'PeerAuthentication') return peerAuthenticationSide(subject as Subject<'PeerAuthentication'>, context);
    return subject.operation === 'DELETE' ? [] : destinationRuleSide(subject as Subject<'DestinationRule'>, context);
  },
});

function destinationRuleSide({ object, namespace }: Subject<'DestinationRule'>, { view }: RuleContext): Finding[] {
  const rule = reviewedPolicy('DestinationRule', object, namespace);
  return conflictingSites(view, rule, 'plaintext-to-strict').map(({ path, where, conflicts }) => ({
    rule: 'MG301',
    severity: 'deny',
    path: `${path}.mode`,
    message:
      `DISABLE makes the client sidecars send plaintext to ${rule.spec.host}${where}, but ${serverSides(conflicts)}, ` +
      `so the server sidecar rejects every plaintext connection: callers see connection resets (503 for HTTP). ` +
      `Remove this tls block (Istio's auto mTLS then sends mutual TLS) or set mode: ISTIO_MUTUAL; ` +
      `if plaintext callers must reach the port, make it PERMISSIVE first.`,
  }));
}

function peerAuthenticationSide(subject: Subject<'PeerAuthentication'>, context: RuleContext): Finding[] {
  return tlsSenderFindings('MG301', subject, context, 'STRICT', 'DISABLE', ({ rule, target, servers }, deleting) =>
    `${deleting ? 'deleting this PeerAuthentication makes' : 'this PeerAuthentication makes'} ${nameList(servers)} refuse plaintext ` +
    `(STRICT), but ${objectName(rule)} sends plaintext (DISABLE) to ${rule.spec.host}${target.where} (${target.path}), so the server ` +
    `sidecar resets every connection from the sidecars that use that rule (503 for HTTP). Remove that tls block (Istio's auto mTLS then ` +
    `sends mutual TLS) or set it to ISTIO_MUTUAL first, or use PERMISSIVE here.`,
  );
}
