import { reviewedPolicy } from '../istio/scope.js';
import { conflictingSites, serverSides } from './tls-conflicts.js';
import { defineRule } from './types.js';

export const mg301 = defineRule({
  id: 'MG301',
  kinds: ['DestinationRule'],
  severity: 'deny',
  summary: 'DestinationRule tls.mode DISABLE (top, port level or subset) to workloads whose port is STRICT: every connection is reset.',
  needsCluster: true,
  check({ object, namespace }, { view }) {
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
  },
});
