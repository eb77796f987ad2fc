import { destinationRuleTlsProblems } from '../istio/destination-rule.js';
import { structureFindings } from './structure-findings.js';
import { defineRule } from './types.js';

export const mg300 = defineRule({
  id: 'MG300',
  kinds: ['DestinationRule'],
  severity: 'deny',
  summary: 'DestinationRule TLS structure istiod rejects: MUTUAL without client certificate or key, credentialName with files, insecureSkipVerify with a CA.',
  needsCluster: false,
  check({ object }) {
    return structureFindings('MG300', 'DestinationRule', destinationRuleTlsProblems(object.spec));
  },
});
