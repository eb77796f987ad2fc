import { mountFindings } from '../mutation/coverage.js';
import { defineRule } from './types.js';

export const mg403 = defineRule({
  id: 'MG403',
  kinds: ['Sidecar'],
  severity: 'warn',
  summary: 'Ingress TLS file paths that no TLS volume mapping mounts into istio-proxy; selected pods that need a restart to get the mounts.',
  // The mapping check needs no cluster state; pod-level mappings and the restart check are read when it is synced.
  needsCluster: false,
  check: ({ object, namespace }, { view }) => mountFindings({ rule: 'MG403', kind: 'Sidecar', namespace, object, view }),
});
