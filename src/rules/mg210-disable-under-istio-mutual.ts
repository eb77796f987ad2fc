import { nameList, objectName } from './describe.js';
import { mtlsChanges, peerAuthenticationReview } from './mtls-changes.js';
import { tlsSendersTo } from './tls-senders.js';
import { defineRule, type Finding } from './types.js';

export const mg210 = defineRule({
  id: 'MG210',
  kinds: ['PeerAuthentication'],
  severity: 'deny',
  summary: 'PeerAuthentication that makes a port DISABLE while a DestinationRule sends ISTIO_MUTUAL to it: every request fails with 503 (a DELETE is warned).',
  needsCluster: true,
  operations: ['CREATE', 'UPDATE', 'DELETE'],
  check(subject, { view, rootNamespace }) {
    const review = peerAuthenticationReview(subject, view, rootNamespace);
    const deleting = subject.operation === 'DELETE';
    const madePlaintext = mtlsChanges(review).filter((c) => c.after.mode === 'DISABLE');
    return tlsSendersTo(review, madePlaintext, 'ISTIO_MUTUAL', subject.operation).map(({ path, rule, target, servers }): Finding => ({
      rule: 'MG210',
      severity: deleting ? 'warn' : 'deny',
      path,
      message:
        `${deleting ? 'deleting this PeerAuthentication leaves' : 'this PeerAuthentication makes'} ${nameList(servers)} accept only plaintext ` +
        `(DISABLE), but ${objectName(rule)} sends ISTIO_MUTUAL to ${rule.spec.host}${target.where} (${target.path}), so every request ` +
        `from the sidecars that use that rule fails with 503. Remove that tls block (Istio's auto mTLS then sends plaintext) or set it to ` +
        `DISABLE for this port first, or use PERMISSIVE here.`,
    }));
  },
});
