import { MG501, mutatePod } from '../mutation/mutate-pod.js';
import { defineRule } from './types.js';

/**
 * The mutation itself runs on /mutate (admission/webhook.ts) and returns a patch; registered here so
 * settings can switch it off or exempt namespaces, and so a Pod sent to /validate (or checked
 * offline) gets the same warnings.
 */
export const mg501 = defineRule({
  id: MG501,
  kinds: ['Pod'],
  severity: 'mutation',
  summary: 'Pod CREATE: mounts the Secrets that Sidecar/DestinationRule TLS files need into istio-proxy (sidecar.istio.io/userVolume, userVolumeMount).',
  needsCluster: false,
  operations: ['CREATE'],
  check: ({ object, namespace }, { view }) => mutatePod(object, namespace, view).findings,
});
