import { nameList, objectName } from './describe.js';
import { tlsSenderFindings } from './tls-senders.js';
import { defineRule } from './types.js';

export const mg210 = defineRule({
  id: 'MG210',
  kinds: ['PeerAuthentication'],
  severity: 'deny',
  summary: 'PeerAuthentication that makes a port DISABLE while a DestinationRule sends ISTIO_MUTUAL to it: every request fails with 503 (a DELETE is warned).',
  needsCluster: true,
  operations: ['CREATE', 'UPDATE', 'DELETE'],
  check(subject, context) {
    return tlsSenderFindings('MG210', subject, context, 'DISABLE', 'ISTIO_MUTUAL', ({ rule, target, servers }, deleting) =>
      `${deleting ? 'deleting this PeerAuthentication leaves' : 'this PeerAuthentication makes'} ${nameList(servers)} accept only plaintext ` +
      `(DISABLE), but ${objectName(rule)} sends ISTIO_MUTUAL to ${rule.spec.host}${target.where} (${target.path}), so every request ` +
      `from the sidecars that use that rule fails with 503. Remove that tls block (Istio's auto mTLS then sends plaintext) or set it to ` +
      `DISABLE for this port first, or use PERMISSIVE here.`,
    );
  },
});
