import { sidecarProblems } from '../istio/sidecar-structure.js';
import { structureFindings } from './structure-findings.js';
import { defineRule } from './types.js';

export const mg404 = defineRule({
  id: 'MG404',
  kinds: ['Sidecar'],
  severity: 'deny',
  summary: 'Sidecar structure istiod rejects: ingress TLS with credentialName, ISTIO_MUTUAL, MUTUAL without CA, non-TLS protocol.',
  needsCluster: false,
  check({ object }) {
    return structureFindings('MG404', 'Sidecar', sidecarProblems(object.spec));
  },
});
