import { selectorMatchesNothing } from './selector-matches-nothing.js';
import { defineRule } from './types.js';

export const mg109 = defineRule({
  id: 'MG109',
  kinds: ['AuthorizationPolicy'],
  severity: 'warn',
  summary: 'AuthorizationPolicy selector that matches no workload: the policy applies to nothing.',
  needsCluster: true,
  check: (subject, context) =>
    selectorMatchesNothing('MG109', 'AuthorizationPolicy', subject, context, 'the policy applies to nothing, and the traffic it was written for is not authorized by it.'),
});
