import { quote } from '../istio/addresses.js';
import { actionOf } from '../istio/authz.js';
import { identityRefs } from '../istio/identity-refs.js';
import { neverMatchConsequence } from './by-action.js';
import { defineRule, type Finding } from './types.js';

/** Judged only in namespaces the view knows: where the namespace is missing, MG107 alone reports the value. */
export const mg108 = defineRule({
  id: 'MG108',
  kinds: ['AuthorizationPolicy'],
  severity: 'warn',
  summary: 'Service account that does not exist in its namespace, named in a cluster.local principal or serviceAccounts: the value never matches a caller.',
  needsCluster: true,
  check({ object, namespace }, { view }) {
    const action = actionOf(object.spec);
    return identityRefs(object.spec, namespace).flatMap((ref): Finding[] => {
      const account = ref.serviceAccount;
      if (account === undefined || !view.namespace(ref.namespace) || view.serviceAccountExists(ref.namespace, account)) return [];
      return [
        {
          rule: 'MG108',
          severity: 'warn',
          path: ref.path,
          message:
            `${ref.kind} ${quote(ref.value)} names ServiceAccount ${ref.namespace}/${account}, which does not exist, so no workload runs with ` +
            `that identity and the value never matches: ${neverMatchConsequence(action, ref.negated)}. Check the name against ` +
            `kubectl get serviceaccounts -n ${ref.namespace}, or create the ServiceAccount before this policy.`,
        },
      ];
    });
  },
});
