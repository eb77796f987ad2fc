import { convertAlphaPolicy } from '../istio/alpha-policy.js';
import { defineRule } from './types.js';

export const mg290 = defineRule({
  id: 'MG290',
  kinds: ['Policy', 'MeshPolicy'],
  severity: 'deny',
  summary: 'Retired authentication.istio.io/v1alpha1 Policy or MeshPolicy: reported with the equivalent PeerAuthentication.',
  needsCluster: false,
  check({ kind, object, namespace, name }, { view, rootNamespace }) {
    const conversion = convertAlphaPolicy({ kind, namespace, name, spec: object.spec }, view, rootNamespace);
    const replacement = conversion.policies.map((p) => p.yaml).join(' and ');
    const caveats = conversion.caveats.map((c) => ` ${c}.`).join('');
    return [
      {
        rule: 'MG290',
        severity: 'deny',
        path: 'apiVersion',
        message:
          `authentication.istio.io/v1alpha1 ${kind} was removed in Istio 1.6: istiod ignores it and clusters without its CRD reject it, ` +
          `so the mutual TLS it asks for is not enforced and the workloads keep whatever PeerAuthentication applies (PERMISSIVE when none). ` +
          `Replace it with ${replacement}.${caveats}`,
      },
    ];
  },
});
