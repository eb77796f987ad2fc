import type { AdmissionResponse, AdmissionReview } from '../../src/admission/types.js';
import type { KubeObject } from '../../src/k8s/types.js';
import { reviewWithObject } from './fixtures.js';
import type { TestServer } from './https-server.js';

/** The captured request each kind's scenario objects are posted in. */
const FIXTURE_BY_KIND: Readonly<Record<string, string>> = {
  AuthorizationPolicy: 'authorizationpolicy-v1-create-client-side-apply',
  PeerAuthentication: 'peerauthentication-v1-create-namespace-default-strict',
  DestinationRule: 'destinationrule-v1-create-istio-mutual',
  Sidecar: 'sidecar-v1-create-ingress-tls',
};

/**
 * The verdict as the rules of this issue decide it from the object alone: `allowed`, the denial
 * message, and the rule warnings. The pipeline's notice that cross-resource checks were skipped
 * (no cluster state in these tests) is left out: it is not a verdict on the object.
 */
export interface Verdict {
  allowed: boolean;
  message?: string;
  warnings: string[];
}

export async function verdictOf(server: TestServer, object: KubeObject, fixture = FIXTURE_BY_KIND[object.kind ?? '']): Promise<Verdict> {
  if (!fixture) throw new Error(`no fixture for kind ${object.kind}`);
  const response = (await server.post('/validate', reviewWithObject(fixture, object))).json<AdmissionReview>().response as AdmissionResponse;
  const warnings = (response.warnings ?? []).filter((w) => !w.startsWith('meshguard: cluster state is not synced'));
  return response.allowed ? { allowed: true, warnings } : { allowed: false, message: response.status?.message, warnings };
}

export const admitted: Verdict = { allowed: true, warnings: [] };
