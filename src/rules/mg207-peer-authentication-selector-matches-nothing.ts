import { selectorMatchesNothing } from './selector-matches-nothing.js';
import { defineRule } from './types.js';

export const mg207 = defineRule({
  id: 'MG207',
  kinds: ['PeerAuthentication'],
  severity: 'warn',
  summary: 'PeerAuthentication selector that matches no workload: the mode applies to nothing.',
  needsCluster: true,
  check: (subject, context) =>
    selectorMatchesNothing('MG207', 'PeerAuthentication', subject, context, 'the mode applies to nothing, and the workloads it was written for keep the namespace or mesh mode.'),
});
