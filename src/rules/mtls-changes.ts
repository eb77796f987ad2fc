import { isMeshMode } from '../cluster/mesh-tally.js';
import type { EffectiveMtls, PolicyObject, WorkloadInfo } from '../cluster/model.js';
import { namespaceLevelMtls } from '../cluster/mtls.js';
import { policySelector } from '../cluster/policy-order.js';
import type { ClusterView } from '../cluster/view.js';
import { pendingChange, reviewedPolicy } from '../istio/scope.js';
import { getOrCreate } from '../util/get-or-create.js';
import type { Subject } from './types.js';

/** One workload port whose effective mTLS mode the reviewed PeerAuthentication changes. */
export interface MtlsChange {
  workload: WorkloadInfo;
  port: number;
  before: EffectiveMtls;
  after: EffectiveMtls;
}

/**
 * A change of the namespace-wide mode (`namespace`) or of the mesh-wide one (`namespace` is the root
 * namespace): every sidecar port that inherits that level moves from `before` to `after`, alike.
 */
export interface LevelChange {
  namespace: string;
  before: EffectiveMtls;
  after: EffectiveMtls;
}

/** A PeerAuthentication under review and the cluster before and after it is applied (or deleted). */
export interface PeerAuthenticationReview {
  policy: PolicyObject<'PeerAuthentication'>;
  before: ClusterView;
  after: ClusterView;
  /** Workloads with a sidecar that the new object, or the old one on UPDATE, selects (workload policies). */
  workloads: WorkloadInfo[];
  /** Set when the change moves the mode of its namespace, or of the mesh, for the ports that inherit it. */
  level?: LevelChange;
  rootNamespace: string;
}

/**
 * MG209, MG210 and MG401 judge the same PeerAuthentication review: the scope and the mode changes are
 * computed once per reviewed object and view. Each admission request decodes a new object, so entries
 * never outlive the request that made them (and the WeakMap lets them go with it).
 */
const reviews = new WeakMap<object, { view: ClusterView; review: PeerAuthenticationReview }>();
const changesOf = new WeakMap<PeerAuthenticationReview, MtlsChange[]>();
const changesAt = new WeakMap<PeerAuthenticationReview, Map<WorkloadInfo, Map<number, MtlsChange | undefined>>>();
const movedWorkloads = new WeakMap<PeerAuthenticationReview, WorkloadInfo[]>();

export function peerAuthenticationReview(subject: Subject<'PeerAuthentication'>, view: ClusterView, rootNamespace: string): PeerAuthenticationReview {
  const cached = reviews.get(subject.object);
  if (cached?.view === view) return cached.review;
  const review = buildReview(subject, view, rootNamespace);
  reviews.set(subject.object, { view, review });
  return review;
}

/**
 * A workload policy reaches the workloads its selector picks (in the root namespace, none: Istio ignores
 * it); a selectorless one moves the level of its namespace, or of the mesh. An UPDATE is both objects.
 */
function buildReview(subject: Subject<'PeerAuthentication'>, view: ClusterView, rootNamespace: string): PeerAuthenticationReview {
  const policy = reviewedPolicy('PeerAuthentication', subject.object, subject.namespace);
  const after = view.withChange(pendingChange(policy, subject.operation));
  const review: PeerAuthenticationReview = { policy, before: view, after, workloads: [], rootNamespace };
  if (modesUnchanged(subject)) return review;
  const versions = subject.oldObject ? [policy, reviewedPolicy('PeerAuthentication', subject.oldObject, subject.namespace)] : [policy];
  const selected = new Map<string, WorkloadInfo>();
  for (const version of versions) {
    const selector = policySelector(version);
    if (!selector || version.namespace === rootNamespace) continue;
    for (const workload of view.workloads(version.namespace, selector)) if (workload.sidecar) selected.set(workload.ref, workload);
  }
  review.workloads = [...selected.values()];
  if (versions.some((version) => !policySelector(version))) {
    const before = namespaceLevelMtls(view, rootNamespace, policy.namespace);
    const afterLevel = namespaceLevelMtls(after, rootNamespace, policy.namespace);
    if (before.mode !== afterLevel.mode) review.level = { namespace: policy.namespace, before, after: afterLevel };
  }
  return review;
}

/** An UPDATE that keeps selector, mtls and portLevelMtls (labels, annotations, finalizers) changes no mode. */
function modesUnchanged({ operation, object, oldObject }: Subject<'PeerAuthentication'>): boolean {
  if (operation !== 'UPDATE' || !oldObject) return false;
  const modeFields = (spec: Subject<'PeerAuthentication'>['object']['spec']) => JSON.stringify([spec?.selector, spec?.mtls, spec?.portLevelMtls]);
  return modeFields(object.spec) === modeFields(oldObject.spec);
}

/**
 * How the change moves one workload port, or undefined when it does not: computed for a selected
 * workload; for any other one, the level change when the port inherits that level. One lookup, so
 * the rules can start from the objects that depend on a port (DestinationRules, Sidecars) instead of
 * visiting every workload a namespace- or mesh-wide change reaches.
 */
export function changeAt(review: PeerAuthenticationReview, workload: WorkloadInfo, port: number): MtlsChange | undefined {
  const byPort = getOrCreate(getOrCreate(changesAt, review, () => new Map()), workload, () => new Map<number, MtlsChange | undefined>());
  if (!byPort.has(port)) byPort.set(port, computeChangeAt(review, workload, port));
  return byPort.get(port);
}

function computeChangeAt(review: PeerAuthenticationReview, workload: WorkloadInfo, port: number): MtlsChange | undefined {
  if (!workload.sidecar) return undefined;
  const before = review.before.effectiveMtls(workload, port);
  if (isSelected(review, workload)) {
    const after = review.after.effectiveMtls(workload, port);
    return before.mode === after.mode ? undefined : { workload, port, before, after };
  }
  return review.level && inheritsLevel(review, review.level, workload.namespace, before) ? { workload, port, before, after: review.level.after } : undefined;
}

/** Whether a port of a workload in `namespace` whose mode was `before` follows the level change. */
function inheritsLevel(review: PeerAuthenticationReview, level: LevelChange, namespace: string, before: EffectiveMtls): boolean {
  if (level.namespace === review.rootNamespace) return isMeshMode(before);
  return namespace === level.namespace && (isMeshMode(before) || before.decidedBy?.scope === 'namespace');
}

function isSelected(review: PeerAuthenticationReview, workload: WorkloadInfo): boolean {
  return review.workloads.some((w) => w.ref === workload.ref && w.namespace === workload.namespace);
}

/**
 * The sidecar workloads the level change moves (a port of theirs inherits the level), lazily and
 * without the selected ones: the namespace's workloads, or for a mesh-wide change those of the
 * namespaces the store counts as inheriting the mesh mode (`meshModeWorkloads`), so a rule that names
 * a few stops early.
 */
export function* levelWorkloads(review: PeerAuthenticationReview): Iterable<WorkloadInfo> {
  const level = review.level;
  if (!level) return;
  if (level.namespace !== review.rootNamespace) {
    yield* namespaceLevelWorkloads(review, level);
    return;
  }
  for (const namespace of review.before.meshCounts('meshModeWorkloads').namespaces()) yield* movedIn(review, level, namespace);
}

/** How many workloads `levelWorkloads` yields: read from the store's count for a mesh-wide change. */
export function levelWorkloadCount(review: PeerAuthenticationReview): number {
  if (!review.level) return 0;
  if (review.level.namespace === review.rootNamespace) return review.before.meshCounts('meshModeWorkloads').total;
  return namespaceLevelWorkloads(review, review.level).length;
}

/** A namespace-wide change moves one namespace, listed once per review for every rule that asks. */
function namespaceLevelWorkloads(review: PeerAuthenticationReview, level: LevelChange): WorkloadInfo[] {
  return getOrCreate(movedWorkloads, review, () => [...movedIn(review, level, level.namespace)]);
}

/**
 * The sidecar workloads of `namespace` with a port whose mode follows the level change, without the
 * selected ones (their ports are the change's own). A workload that no workload policy selects has
 * its namespace's mode on every port, so for those the answer is decided once per namespace.
 */
function* movedIn(review: PeerAuthenticationReview, level: LevelChange, namespace: string): Iterable<WorkloadInfo> {
  const namespaceModeMoves = inheritsLevel(review, level, namespace, namespaceLevelMtls(review.before, review.rootNamespace, namespace));
  for (const workload of review.before.workloads(namespace)) {
    if (!workload.sidecar || isSelected(review, workload)) continue;
    const facts = review.before.workloadFacts(workload);
    const moves =
      facts.peerAuthentications.length === 0
        ? namespaceModeMoves
        : facts.mtlsPorts.some((port) => inheritsLevel(review, level, namespace, review.before.effectiveMtls(workload, port)));
    if (moves) yield workload;
  }
}

/**
 * Every changed workload port: the selected workloads' ports, then those of the workloads the level
 * change moves, each at every port of `WorkloadFacts.mtlsPorts`. A list as long as the change is wide: for mesh-wide
 * changes prefer `changeAt` from the dependent objects, or `levelWorkloadCount`.
 */
export function mtlsChanges(review: PeerAuthenticationReview): MtlsChange[] {
  return getOrCreate(changesOf, review, () => computeChanges(review));
}

/**
 * `mtlsChanges` without the level change's ports unless `wanted` says that level change matters: a rule
 * that looks for one kind of move skips a namespace- or mesh-wide move of another kind unvisited.
 */
export function mtlsChangesIf(review: PeerAuthenticationReview, wanted: (level: LevelChange) => boolean): MtlsChange[] {
  return review.level && !wanted(review.level) ? changesOfWorkloads(review, review.workloads) : mtlsChanges(review);
}

function computeChanges(review: PeerAuthenticationReview): MtlsChange[] {
  return changesOfWorkloads(review, [...review.workloads, ...levelWorkloads(review)]);
}

function changesOfWorkloads(review: PeerAuthenticationReview, workloads: Iterable<WorkloadInfo>): MtlsChange[] {
  const changes: MtlsChange[] = [];
  for (const workload of workloads) {
    for (const port of review.before.workloadFacts(workload).mtlsPorts) {
      const change = changeAt(review, workload, port);
      if (change) changes.push(change);
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
