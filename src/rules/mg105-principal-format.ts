import { actionOf } from '../istio/authz.js';
import { valueSites } from '../istio/authz-values.js';
import { principalProblem, type PrincipalProblem } from '../istio/principal.js';
import { neverMatchConsequence, neverMatchSeverity } from './by-action.js';
import { defineRule } from './types.js';

const WHAT: Record<PrincipalProblem, (value: string) => string> = {
  'spiffe-prefix': (v) => `principal ${JSON.stringify(v)} starts with spiffe://, which Istio adds itself, so it never matches a peer identity`,
  'inner-star': (v) => `principal ${JSON.stringify(v)} has a * in the middle, which Istio matches as a literal character, so it never matches a peer identity`,
  'not-a-principal': (v) => `principal ${JSON.stringify(v)} is not of the form <trust domain>/ns/<namespace>/sa/<service account>, so it never matches a peer identity`,
};

const FIX: Record<PrincipalProblem, string> = {
  'spiffe-prefix': 'Drop the spiffe:// prefix: cluster.local/ns/<namespace>/sa/<service account>.',
  'inner-star': 'Use * only at the start or end (cluster.local/ns/foo/sa/*), or use namespaces: [...] for a whole namespace.',
  'not-a-principal': 'Write the full identity (cluster.local/ns/<namespace>/sa/<service account>), a prefix or suffix with * (*/ns/foo/sa/bar), or use namespaces: [...].',
};

export const mg105 = defineRule({
  id: 'MG105',
  kinds: ['AuthorizationPolicy'],
  severity: 'by action',
  summary: 'Peer principal that never matches: spiffe:// prefix, not of the form trust-domain/ns/NAMESPACE/sa/ACCOUNT, or * in the middle.',
  needsCluster: false,
  check({ object }) {
    const action = actionOf(object.spec);
    const sites = valueSites(object.spec, { source: ['principals', 'notPrincipals'], whenKey: 'source.principal' });
    return sites.flatMap((site) => {
      const problem = principalProblem(site.value);
      if (!problem) return [];
      return [
        {
          rule: 'MG105',
          severity: neverMatchSeverity(action, site.negated),
          path: site.path,
          message: `${WHAT[problem](site.value)}: ${neverMatchConsequence(action, site.negated)}. ${FIX[problem]}`,
        },
      ];
    });
  },
});
