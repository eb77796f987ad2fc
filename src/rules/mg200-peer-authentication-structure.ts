import { peerAuthenticationProblems } from '../istio/peer-authentication.js';
import { structureFindings } from './structure-findings.js';
import { defineRule } from './types.js';

export const mg200 = defineRule({
  id: 'MG200',
  kinds: ['PeerAuthentication'],
  severity: 'deny',
  summary: 'PeerAuthentication structure istiod rejects: portLevelMtls keys that are not ports 1-65535, selector wildcards.',
  needsCluster: false,
  check({ object }) {
    return structureFindings('MG200', 'policy', peerAuthenticationProblems(object.spec));
  },
});
