import { reviewedPolicy } from '../istio/scope.js';
import { ingressTlsListeners } from '../istio/sidecar-tls.js';
import { defineRule } from './types.js';

/** istiod reads Sidecar ingress tls only with ENABLE_TLS_ON_SIDECAR_INGRESS (pilot/pkg/features; default off). */
export const mg402 = defineRule({
  id: 'MG402',
  kinds: ['Sidecar'],
  severity: 'warn',
  summary: "Sidecar ingress TLS while istiod's ENABLE_TLS_ON_SIDECAR_INGRESS is off: the TLS settings are ignored.",
  needsCluster: true,
  check({ object, namespace }, { view }) {
    const listeners = ingressTlsListeners(reviewedPolicy('Sidecar', object, namespace));
    const first = listeners[0];
    if (!first || view.tlsOnSidecarIngressEnabled() !== false) return [];
    const ports = listeners.map((l) => l.port).join(', ');
    return [
      {
        rule: 'MG402',
        severity: 'warn',
        path: first.path,
        message:
          `istiod runs without ENABLE_TLS_ON_SIDECAR_INGRESS=true, so it ignores the tls of every Sidecar ingress listener: here ` +
          `${listeners.length > 1 ? `ports ${ports} keep` : `port ${ports} keeps`} Istio's own mTLS or plaintext, and clients that originate TLS ` +
          `to ${listeners.length > 1 ? 'them' : 'it'} fail the handshake. Set the environment ` +
          `variable ENABLE_TLS_ON_SIDECAR_INGRESS=true on istiod (Helm value pilot.env.ENABLE_TLS_ON_SIDECAR_INGRESS, or istioctl --set values.pilot.env.ENABLE_TLS_ON_SIDECAR_INGRESS=true).`,
      },
    ];
  },
});
