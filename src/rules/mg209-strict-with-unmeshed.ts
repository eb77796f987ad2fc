import type { PolicyObject } from '../cluster/model.js';
import type { ClusterView } from '../cluster/view.js';
import { isMeshWide, reviewedPolicy, workloadsInScope } from '../istio/scope.js';
import { NAMES_SHOWN, count, countedNameList, workloadName } from './describe.js';
import { changeAt, levelWorkloadCount, levelWorkloads, modeField, peerAuthenticationReview, type MtlsChange, type PeerAuthenticationReview } from './mtls-changes.js';
import { defineRule, type Finding } from './types.js';

/** Namespaces whose pods do not call application workloads: the control plane and Kubernetes' own. */
const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease']);

export const mg209 = defineRule({
  id: 'MG209',
  kinds: ['PeerAuthentication'],
  severity: 'warn',
  summary: 'STRICT while pods without a sidecar may call the workloads (they lose access), or for selected pods that have no sidecar (STRICT does not reach them).',
  needsCluster: true,
  check(subject, { view, rootNamespace }) {
    const review = peerAuthenticationReview(subject, view, rootNamespace);
    const madeStrict = madeStrictWorkloads(review);
    const findings: Finding[] = [];
    const first = madeStrict.first[0];
    if (first) {
      const callers = unmeshedPods(view, rootNamespace);
      if (callers.total > 0) {
        findings.push({
          rule: 'MG209',
          severity: 'warn',
          path: modeField(first, review, subject.operation),
          message:
            `STRICT makes ${countedNameList(madeStrict.first.map((c) => workloadName(c.workload)), madeStrict.count)} refuse plaintext, but ` +
            `${count(callers.total, 'pod')} without a sidecar run in ${callers.text}: every ` +
            `request they send to these workloads will be reset. Mesh those callers first (label their namespaces istio-injection=enabled ` +
            `and restart them), or keep PERMISSIVE until they are meshed.`,
        });
      }
    }
    const policy = reviewedPolicy('PeerAuthentication', subject.object, subject.namespace);
    const unmeshed = strictMode(policy.spec) ? unmeshedTargets(view, policy, rootNamespace) : undefined;
    if (unmeshed && unmeshed.count > 0) {
      findings.push({
        rule: 'MG209',
        severity: 'warn',
        path: 'spec.mtls.mode',
        message:
          `${count(unmeshed.pods, 'pod')} this PeerAuthentication applies to have no sidecar (${countedNameList(unmeshed.names, unmeshed.count)}), and ` +
          `PeerAuthentication is enforced by the sidecar: they keep accepting plaintext from anyone. Inject the sidecar ` +
          `(istio-injection=enabled on the namespace, then restart the pods) for STRICT to protect them.`,
      });
    }
    return findings;
  },
});

function strictMode(spec: { mtls?: { mode?: string } }): boolean {
  return spec.mtls?.mode === 'STRICT';
}

/**
 * The workloads the change makes STRICT somewhere: the first change of each of the first few (for the
 * names and the field), and how many there are, counted by the store for a mesh-wide change.
 */
function madeStrictWorkloads(review: PeerAuthenticationReview): { first: MtlsChange[]; count: number } {
  const first: MtlsChange[] = [];
  let selected = 0;
  for (const workload of review.workloads) {
    const change = review.before.workloadFacts(workload).mtlsPorts.map((port) => changeAt(review, workload, port)).find((c) => c?.after.mode === 'STRICT');
    if (!change) continue;
    selected++;
    if (first.length < NAMES_SHOWN) first.push(change);
  }
  if (review.level?.after.mode !== 'STRICT') return { first, count: selected };
  for (const workload of levelWorkloads(review)) {
    if (first.length === NAMES_SHOWN) break;
    first.push({ workload, port: 0, before: review.level.before, after: review.level.after });
  }
  return { first, count: selected + levelWorkloadCount(review) };
}

/** Pods without a sidecar outside the system namespaces, counted per namespace: `legacy (3), partial (1)`. */
function unmeshedPods(view: ClusterView, rootNamespace: string): { total: number; text: string } {
  const counts = view.meshCounts('unmeshedPods');
  const excluded = [rootNamespace, ...SYSTEM_NAMESPACES].filter((namespace) => counts.get(namespace) > 0);
  const ranked = counts.top(NAMES_SHOWN + excluded.length).filter(([namespace]) => !excluded.includes(namespace));
  const total = counts.total - excluded.reduce((sum, namespace) => sum + counts.get(namespace), 0);
  return { total, text: countedNameList(ranked.map(([namespace, n]) => `${namespace} (${n})`), counts.size - excluded.length) };
}

/** The workloads without a sidecar that the policy selects: counted by the store for a mesh-wide policy. */
function unmeshedTargets(view: ClusterView, policy: PolicyObject<'PeerAuthentication'>, rootNamespace: string): { pods: number; count: number; names: string[] } {
  if (!isMeshWide(policy, rootNamespace)) {
    const targets = workloadsInScope(view, policy, rootNamespace).filter((w) => !w.sidecar);
    return { pods: targets.reduce((sum, w) => sum + w.pods, 0), count: new Set(targets.map(workloadName)).size, names: [...new Set(targets.map(workloadName))] };
  }
  const names: string[] = [];
  for (const namespace of view.meshCounts('unmeshedWorkloads').namespaces()) {
    for (const workload of view.workloads(namespace)) if (!workload.sidecar && names.length < NAMES_SHOWN) names.push(workloadName(workload));
    if (names.length === NAMES_SHOWN) break;
  }
  return { pods: view.meshCounts('unmeshedPods').total, count: view.meshCounts('unmeshedWorkloads').total, names };
}
