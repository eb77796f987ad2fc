import { hasSelector } from '../istio/selector.js';
import { defineRule } from './types.js';

export const mg201 = defineRule({
  id: 'MG201',
  kinds: ['PeerAuthentication'],
  severity: 'deny',
  summary: 'Mesh-wide PeerAuthentication (root namespace, no selector) with mode DISABLE.',
  needsCluster: false,
  check({ object, namespace }, { rootNamespace }) {
    const spec = object.spec;
    if (namespace !== rootNamespace || hasSelector(spec) || spec?.mtls?.mode !== 'DISABLE') return [];
    return [
      {
        rule: 'MG201',
        severity: 'deny',
        path: 'spec.mtls.mode',
        message:
          `mesh-wide PeerAuthentication in the root namespace ${rootNamespace} sets DISABLE, so every sidecar in the mesh ` +
          `accepts only plaintext and mutual TLS is switched off everywhere that no namespace or workload policy overrides it. ` +
          `Use PERMISSIVE during a migration, or DISABLE only in a namespace or workload policy (with a selector) where plaintext is required.`,
      },
    ];
  },
});
