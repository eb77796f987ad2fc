import { hasSelector } from '../istio/selector.js';
import { defineRule } from './types.js';

export const mg205 = defineRule({
  id: 'MG205',
  kinds: ['PeerAuthentication'],
  severity: 'warn',
  summary: 'PeerAuthentication with a selector in the root namespace: Istio ignores it for every workload.',
  needsCluster: false,
  check({ object, namespace }, { rootNamespace }) {
    if (namespace !== rootNamespace || !hasSelector(object.spec)) return [];
    return [
      {
        rule: 'MG205',
        severity: 'warn',
        path: 'spec.selector',
        message:
          `a PeerAuthentication with a selector in the root namespace ${rootNamespace} is ignored by Istio for every workload, those in ` +
          `${rootNamespace} included (ComposePeerAuthentication reads only its selectorless policy there): its mode never applies. ` +
          `Create it in the namespace of the workloads it selects.`,
      },
    ];
  },
});
