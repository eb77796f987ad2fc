import type { ClusterView } from '../cluster/view.js';
import { reviewedPolicy, workloadsInScope } from '../istio/scope.js';
import { count, nameList, workloadName } from './describe.js';
import { modeField, mtlsChanges, peerAuthenticationReview } from './mtls-changes.js';
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
    const madeStrict = mtlsChanges(review).filter((c) => c.after.mode === 'STRICT');
    const findings: Finding[] = [];
    const first = madeStrict[0];
    if (first) {
      const targets = nameList(madeStrict.map((c) => workloadName(c.workload)));
      const callers = unmeshedPods(view, rootNamespace);
      if (callers.total > 0) {
        findings.push({
          rule: 'MG209',
          severity: 'warn',
          path: modeField(first, review, subject.operation),
          message:
            `STRICT makes ${targets} refuse plaintext, but ${count(callers.total, 'pod')} without a sidecar run in ${callers.text}: every ` +
            `request they send to these workloads will be reset. Mesh those callers first (label their namespaces istio-injection=enabled ` +
            `and restart them), or keep PERMISSIVE until they are meshed.`,
        });
      }
    }
    const policy = reviewedPolicy('PeerAuthentication', subject.object, subject.namespace);
    const unmeshedTargets = strictMode(policy.spec) ? workloadsInScope(view, policy, rootNamespace).filter((w) => !w.sidecar) : [];
    if (unmeshedTargets.length > 0) {
      const pods = unmeshedTargets.reduce((sum, w) => sum + w.pods, 0);
      findings.push({
        rule: 'MG209',
        severity: 'warn',
        path: 'spec.mtls.mode',
        message:
          `${count(pods, 'pod')} this PeerAuthentication applies to have no sidecar (${nameList(unmeshedTargets.map(workloadName))}), and ` +
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

/** Pods without a sidecar outside the system namespaces, counted per namespace: `legacy (3), partial (1)`. */
function unmeshedPods(view: ClusterView, rootNamespace: string): { total: number; text: string } {
  const byNamespace = new Map<string, number>();
  for (const workload of view.allWorkloads()) {
    if (workload.sidecar || workload.namespace === rootNamespace || SYSTEM_NAMESPACES.has(workload.namespace)) continue;
    byNamespace.set(workload.namespace, (byNamespace.get(workload.namespace) ?? 0) + workload.pods);
  }
  const sorted = [...byNamespace].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return { total: sorted.reduce((sum, [, n]) => sum + n, 0), text: nameList(sorted.map(([ns, n]) => `${ns} (${n})`)) };
}
