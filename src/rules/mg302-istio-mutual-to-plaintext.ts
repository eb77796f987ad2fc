import { reviewedPolicy } from '../istio/scope.js';
import { conflictingSites, serverSides } from './tls-conflicts.js';
import { defineRule } from './types.js';

export const mg302 = defineRule({
  id: 'MG302',
  kinds: ['DestinationRule'],
  severity: 'deny',
  summary: 'DestinationRule ISTIO_MUTUAL (top, port level or subset) to workloads whose port is DISABLE or that have no sidecar: every request fails with 503.',
  needsCluster: true,
  check({ object, namespace }, { view }) {
    const rule = reviewedPolicy('DestinationRule', object, namespace);
    return conflictingSites(view, rule, 'mutual-to-plaintext').map(({ path, where, conflicts }) => ({
      rule: 'MG302',
      severity: 'deny',
      path: `${path}.mode`,
      message:
        `ISTIO_MUTUAL makes the client sidecars send Istio mutual TLS to ${rule.spec.host}${where}, but ${serverSides(conflicts)}, ` +
        `so nothing on the server side terminates that TLS and every request through this rule fails with 503 ` +
        `(upstream connect error or disconnect/reset before headers). ` +
        (conflicts.some((c) => !c.mtls)
          ? "Inject the sidecar into those pods, or remove this tls block so that Istio's auto mTLS sends plaintext to pods without one."
          : "Remove this tls block so that Istio's auto mTLS follows the server's mode, or set the PeerAuthentication for that port to PERMISSIVE."),
    }));
  },
});
