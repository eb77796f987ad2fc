import type { EffectiveMtls, PolicyObject, WorkloadInfo } from '../cluster/model.js';
import type { ClusterView } from '../cluster/view.js';
import { pendingChange, reviewedPolicy, workloadsInScope } from '../istio/scope.js';
import { ingressTlsListeners, sidecarOf } from '../istio/sidecar-tls.js';
import { receivingPorts } from '../istio/workload-ports.js';
import type { Subject } from './types.js';

/** One workload port whose effective mTLS mode the reviewed PeerAuthentication changes. */
export interface MtlsChange {
  workload: WorkloadInfo;
  port: number;
  before: EffectiveMtls;
  after: EffectiveMtls;
}

/** A PeerAuthentication under review and the cluster before and after it is applied (or deleted). */
export interface PeerAuthenticationReview {
  policy: PolicyObject<'PeerAuthentication'>;
  before: ClusterView;
  after: ClusterView;
  /** Workloads with a sidecar that the new object, or the old one on UPDATE, applies to. */
  workloads: WorkloadInfo[];
  rootNamespace: string;
}

/**
 * MG209, MG210 and MG401 judge the same PeerAuthentication review: the scope and the mode changes are
 * computed once per reviewed object and view. Each admission request decodes a new object, so entries
 * never outlive the request that made them (and the WeakMap lets them go with it).
 */
const reviews = new WeakMap<object, { view: ClusterView; review: PeerAuthenticationReview }>();
const changesOf = new WeakMap<PeerAuthenticationReview, MtlsChange[]>();

export function peerAuthenticationReview(subject: Subject<'PeerAuthentication'>, view: ClusterView, rootNamespace: string): PeerAuthenticationReview {
  const cached = reviews.get(subject.object);
  if (cached?.view === view) return cached.review;
  const review = buildReview(subject, view, rootNamespace);
  reviews.set(subject.object, { view, review });
  return review;
}

function buildReview(subject: Subject<'PeerAuthentication'>, view: ClusterView, rootNamespace: string): PeerAuthenticationReview {
  const policy = reviewedPolicy('PeerAuthentication', subject.object, subject.namespace);
  const scoped = workloadsInScope(view, policy, rootNamespace);
  if (subject.oldObject) scoped.push(...workloadsInScope(view, reviewedPolicy('PeerAuthentication', subject.oldObject, subject.namespace), rootNamespace));
  const workloads = modesUnchanged(subject) ? [] : [...new Map(scoped.filter((w) => w.sidecar).map((w) => [`${w.namespace}/${w.ref}`, w])).values()];
  return { policy, before: view, after: view.withChange(pendingChange(policy, subject.operation)), workloads, rootNamespace };
}

/** An UPDATE that keeps selector, mtls and portLevelMtls (labels, annotations, finalizers) changes no mode. */
function modesUnchanged({ operation, object, oldObject }: Subject<'PeerAuthentication'>): boolean {
  if (operation !== 'UPDATE' || !oldObject) return false;
  const modeFields = (spec: Subject<'PeerAuthentication'>['object']['spec']) => JSON.stringify([spec?.selector, spec?.mtls, spec?.portLevelMtls]);
  return modeFields(object.spec) === modeFields(oldObject.spec);
}

/**
 * The workload ports whose effective mode differs after the change: every port a workload is known
 * to receive on, plus the ports its Sidecar terminates TLS on (they need not be declared); port 0
 * (the workload level) for a workload with no known port.
 */
export function mtlsChanges(review: PeerAuthenticationReview): MtlsChange[] {
  const known = changesOf.get(review) ?? computeChanges(review);
  changesOf.set(review, known);
  return known;
}

function computeChanges(review: PeerAuthenticationReview): MtlsChange[] {
  const changes: MtlsChange[] = [];
  for (const workload of review.workloads) {
    const sidecar = sidecarOf(review.before, workload, review.rootNamespace);
    const ports = new Set([...receivingPorts(review.before, workload), ...(sidecar ? ingressTlsListeners(sidecar).map((l) => l.port) : [])]);
    if (ports.size === 0) ports.add(0);
    for (const port of ports) {
      const before = review.before.effectiveMtls(workload, port);
      const after = review.after.effectiveMtls(workload, port);
      if (before.mode !== after.mode) changes.push({ workload, port, before, after });
    }
  }
  return changes;
}

/**
 * The field of the reviewed PeerAuthentication that sets the new mode: its portLevelMtls entry, its
 * mtls.mode; `metadata.name` for a deletion; `spec` when another policy now decides (UNSET, or a
 * selector that no longer picks the workload).
 */
export function modeField(change: MtlsChange, review: PeerAuthenticationReview, operation: string): string {
  if (operation === 'DELETE') return 'metadata.name';
  const by = change.after.decidedBy;
  if (!by || by.namespace !== review.policy.namespace || by.name !== review.policy.name) return 'spec';
  return by.scope === 'port' ? `spec.portLevelMtls[${JSON.stringify(String(change.port))}].mode` : 'spec.mtls.mode';
}
