import type { AdmissionReview } from '../src/admission/types.js';
import { ruleKindOf, type RuleKind } from '../src/istio/kinds.js';
import { capturedReview } from '../test/helpers/fixtures.js';
import { placeInSyntheticCluster } from './mix-placement.js';

/**
 * One request of the load mix: a captured AdmissionReview moved into the synthetic cluster's namespaces
 * (bench/mix-placement.ts), sent as the API server sends it (compact JSON).
 */
export interface MixEntry {
  fixture: string;
  kind: RuleKind;
  path: '/validate' | '/mutate';
  uid: string;
  review: AdmissionReview;
  body: string;
}

interface MixItem {
  fixture: string;
  /** How many times the entry appears in one rotation of the mix. */
  weight: number;
  edit?: (review: AdmissionReview) => void;
}

/**
 * Pods dominate admission traffic (every pod creation goes through /mutate), so they are 8 of the 21
 * requests of a rotation; the Istio kinds cover create, update and delete, allowed and denied.
 */
const MIX: readonly MixItem[] = [
  { fixture: 'pod-create-mutating-first-call', weight: 2 },
  { fixture: 'pod-create-sidecar-annotations-mutating', weight: 2 },
  { fixture: 'pod-create-mutating-reinvocation-after-patch', weight: 2 },
  { fixture: 'pod-create-no-annotations-kubectl-run', weight: 2 },
  { fixture: 'authorizationpolicy-v1-create-client-side-apply', weight: 1 },
  { fixture: 'authorizationpolicy-v1-update-server-side-apply-migration-2-kubectl-1.32', weight: 1 },
  // MG101 denies both: a DENY rule on paths only, as CREATE and as UPDATE.
  { fixture: 'authorizationpolicy-v1-create-webhook-denied-403', weight: 1 },
  { fixture: 'authorizationpolicy-v1-update-client-side-apply-denied', weight: 1 },
  { fixture: 'authorizationpolicy-v1-delete', weight: 1 },
  { fixture: 'peerauthentication-v1-create-namespace-default-strict', weight: 1 },
  { fixture: 'peerauthentication-v1beta1-create-workload-portlevelmtls', weight: 1 },
  { fixture: 'peerauthentication-v1-update-mesh-wide-merge-patch', weight: 1 },
  // The captured mesh-wide STRICT policy turned to DISABLE: MG201's denial.
  { fixture: 'peerauthentication-v1-create-mesh-wide-istio-system', weight: 1, edit: setMeshWideMode('DISABLE') },
  { fixture: 'destinationrule-v1-create-istio-mutual', weight: 1 },
  { fixture: 'destinationrule-v1-update-merge-patch-mutual', weight: 1 },
  { fixture: 'sidecar-v1-create-ingress-tls', weight: 1 },
  { fixture: 'sidecar-v1-update-json-patch', weight: 1 },
];

/** The rotation the load generator cycles through; weights are spread out so no kind runs in a burst. */
export function bodyMix(): MixEntry[] {
  const entries = MIX.map(toEntry);
  const rotation: MixEntry[] = [];
  const maxWeight = Math.max(...MIX.map((item) => item.weight));
  for (let round = 0; round < maxWeight; round++) {
    MIX.forEach((item, index) => {
      if (round < item.weight) rotation.push(entries[index]!);
    });
  }
  return rotation;
}

/** The distinct entries of the mix, one per fixture (for the in-process measurement). */
export function distinctEntries(mix: readonly MixEntry[]): MixEntry[] {
  return [...new Map(mix.map((entry) => [entry.fixture, entry])).values()];
}

function toEntry(item: MixItem): MixEntry {
  const review = placeInSyntheticCluster(capturedReview(item.fixture));
  item.edit?.(review);
  const request = review.request;
  const kind = request && ruleKindOf(request.kind.group, request.kind.kind);
  if (!request || !kind) throw new Error(`fixture ${item.fixture} is not a review of a kind meshguard checks`);
  return {
    fixture: item.fixture,
    kind,
    path: kind === 'Pod' ? '/mutate' : '/validate',
    uid: request.uid,
    review,
    body: JSON.stringify(review),
  };
}

function setMeshWideMode(mode: string): (review: AdmissionReview) => void {
  return (review) => {
    const spec = review.request?.object?.spec as { mtls?: { mode?: string } } | undefined;
    if (!spec?.mtls) throw new Error('the mesh-wide PeerAuthentication fixture has no spec.mtls');
    spec.mtls.mode = mode;
  };
}
