import { hasSelector } from '../istio/selector.js';
import { defineRule } from './types.js';

export const mg203 = defineRule({
  id: 'MG203',
  kinds: ['PeerAuthentication'],
  severity: 'deny',
  summary: 'portLevelMtls on a PeerAuthentication without selector (namespace-wide or mesh-wide).',
  needsCluster: false,
  check({ object, namespace }, { rootNamespace }) {
    const spec = object.spec;
    if (Object.keys(spec?.portLevelMtls ?? {}).length === 0 || hasSelector(spec)) return [];
    const scope = namespace === rootNamespace ? 'mesh-wide' : `namespace-wide (namespace ${namespace})`;
    return [
      {
        rule: 'MG203',
        severity: 'deny',
        path: 'spec.portLevelMtls',
        message:
          `this PeerAuthentication has no selector, so it is ${scope}, and Istio applies portLevelMtls only to a workload policy: ` +
          `istiod rejects it, and the port exceptions would never take effect. Move portLevelMtls to a PeerAuthentication with ` +
          `selector.matchLabels for the workload that owns those ports, and keep only mtls.mode here.`,
      },
    ];
  },
});
