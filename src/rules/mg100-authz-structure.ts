import { authorizationPolicyProblems } from '../istio/authz-structure.js';
import { structureFindings } from './structure-findings.js';
import { defineRule } from './types.js';

export const mg100 = defineRule({
  id: 'MG100',
  kinds: ['AuthorizationPolicy'],
  severity: 'deny',
  summary: 'AuthorizationPolicy structure istiod rejects (selector with targetRefs, DENY/CUSTOM without rules, empty from/to, bad ports, IPs, paths, when keys).',
  needsCluster: false,
  check({ object }) {
    return structureFindings('MG100', 'policy', authorizationPolicyProblems(object.spec));
  },
});
