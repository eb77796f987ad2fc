import { quote } from '../istio/addresses.js';
import { actionOf } from '../istio/authz.js';
import { identityRefs, type IdentityRef } from '../istio/identity-refs.js';
import { neverMatchConsequence } from './by-action.js';
import { defineRule, type Finding } from './types.js';

export const mg107 = defineRule({
  id: 'MG107',
  kinds: ['AuthorizationPolicy'],
  severity: 'warn',
  summary: 'Namespace that does not exist, named in namespaces, a cluster.local principal or serviceAccounts: the value never matches a caller.',
  needsCluster: true,
  check({ object, namespace }, { view, rootNamespace }) {
    const action = actionOf(object.spec);
    // The policy's own namespace and the root namespace exist wherever the policy can be applied, declared in the manifests or not.
    const exists = (name: string) => name === namespace || name === rootNamespace || view.namespace(name) !== undefined;
    return identityRefs(object.spec, namespace).flatMap((ref): Finding[] => {
      if (exists(ref.namespace)) return [];
      return [
        {
          rule: 'MG107',
          severity: 'warn',
          path: ref.path,
          message:
            `${what(ref)}, so no caller's identity carries it and the value never matches: ${neverMatchConsequence(action, ref.negated)}. ` +
            `Check the name against kubectl get namespaces, or create Namespace ${ref.namespace} before this policy.`,
        },
      ];
    });
  },
});

function what(ref: IdentityRef): string {
  if (ref.kind === 'namespace') return `namespace ${quote(ref.value)} does not exist in the cluster`;
  return `${ref.kind} ${quote(ref.value)} names namespace ${ref.namespace}, which does not exist in the cluster`;
}
