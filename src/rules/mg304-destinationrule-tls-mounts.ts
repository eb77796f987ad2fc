import { mountFindings } from '../mutation/coverage.js';
import { defineRule } from './types.js';

export const mg304 = defineRule({
  id: 'MG304',
  kinds: ['DestinationRule'],
  severity: 'warn',
  summary: 'SIMPLE/MUTUAL origination file paths that no TLS volume mapping mounts into istio-proxy; client pods that need a restart to get the mounts.',
  // The mapping check needs no cluster state; pod-level mappings and the restart check are read when it is synced.
  needsCluster: false,
  check: ({ object, namespace }, { view }) => mountFindings({ rule: 'MG304', kind: 'DestinationRule', namespace, object, view }),
});
