import { policySelector } from '../cluster/policy-order.js';
import { pendingChange, reviewedPolicy, workloadsInScope } from '../istio/scope.js';
import { ingressTlsListeners, selectorText, sidecarOf, sidecarTerminatingTls } from '../istio/sidecar-tls.js';
import { mtlsText, objectName, portModeText, shownNameList, workloadName } from './describe.js';
import { changeAt, levelWorkloads, modeField, peerAuthenticationReview } from './mtls-changes.js';
import { defineRule, type Finding, type RuleContext, type Subject } from './types.js';

/**
 * Istio builds a Sidecar's ingress TLS listener only where the effective PeerAuthentication mode of
 * the port is DISABLE (pilot/pkg/networking/core/listener_inbound.go); elsewhere it silently keeps
 * its own mTLS/plaintext chain. Judged both ways: when the Sidecar arrives, and when a
 * PeerAuthentication change or deletion takes the DISABLE away from a port a Sidecar terminates TLS on.
 */
export const mg401 = defineRule({
  id: 'MG401',
  kinds: ['Sidecar', 'PeerAuthentication'],
  severity: 'deny',
  summary:
    'Sidecar ingress TLS on a port whose effective PeerAuthentication mode is not DISABLE: Istio ignores the TLS settings (judged on the Sidecar and on PeerAuthentication changes; a DELETE is warned, and so is deleting the Sidecar a DISABLE port relies on).',
  needsCluster: true,
  operations: ['CREATE', 'UPDATE', 'DELETE'],
  check(subject, context) {
    if (subject.kind === 'PeerAuthentication') return peerAuthenticationSide(subject as Subject<'PeerAuthentication'>, context);
    return subject.operation === 'DELETE' ? sidecarDeleted(subject as Subject<'Sidecar'>, context) : sidecarSide(subject as Subject<'Sidecar'>, context);
  },
});

const CONSEQUENCE =
  'and Istio applies Sidecar ingress TLS only where the effective PeerAuthentication mode of the port is DISABLE: the tls settings are ' +
  'ignored, the port keeps Istio\'s own mTLS, and clients that originate TLS to it fail the handshake.';

function sidecarSide({ object, namespace }: Subject<'Sidecar'>, { view, rootNamespace }: RuleContext): Finding[] {
  const sidecar = reviewedPolicy('Sidecar', object, namespace);
  const workloads = workloadsInScope(view, sidecar, rootNamespace).filter((w) => w.sidecar);
  const selector = selectorText(policySelector(sidecar));
  return ingressTlsListeners(sidecar).flatMap(({ path, port }): Finding[] => {
    const wrong = workloads.flatMap((workload) => {
      const mtls = view.effectiveMtls(workload, port);
      return mtls.mode === 'DISABLE' ? [] : [{ workload, mtls }];
    });
    if (wrong.length === 0) return [];
    const names = shownNameList(wrong, ({ workload, mtls }) => portModeText(workload, port, mtls));
    const fix = selector
      ? `Add a PeerAuthentication with selector.matchLabels {${selector}} and portLevelMtls: {"${port}": {mode: DISABLE}}.`
      : `Add a PeerAuthentication for these workloads (with a selector) and portLevelMtls: {"${port}": {mode: DISABLE}}.`;
    return [{ rule: 'MG401', severity: 'deny', path, message: `this Sidecar terminates TLS on port ${port}, but ${names}, ${CONSEQUENCE} ${fix}` }];
  });
}

/**
 * A Sidecar deleted from under the DISABLE it pairs with: the port keeps accepting only plaintext and
 * nothing terminates TLS there any more (unless the Sidecar Istio picks next does).
 */
function sidecarDeleted({ object, namespace }: Subject<'Sidecar'>, { view, rootNamespace }: RuleContext): Finding[] {
  const sidecar = reviewedPolicy('Sidecar', object, namespace);
  const listeners = ingressTlsListeners(sidecar);
  if (listeners.length === 0) return [];
  const after = view.withChange(pendingChange(sidecar, 'DELETE'));
  const workloads = workloadsInScope(view, sidecar, rootNamespace).filter((w) => {
    const applied = w.sidecar ? sidecarOf(view, w, rootNamespace) : undefined;
    return applied?.namespace === sidecar.namespace && applied.name === sidecar.name;
  });
  return listeners.flatMap(({ path, port }): Finding[] => {
    const plaintext = workloads.flatMap((workload) => {
      const mtls = view.effectiveMtls(workload, port);
      return mtls.mode === 'DISABLE' && !sidecarTerminatingTls(after, workload, port, rootNamespace) ? [{ workload, mtls }] : [];
    });
    if (plaintext.length === 0) return [];
    return [{
      rule: 'MG401',
      severity: 'warn',
      path,
      message:
        `deleting this Sidecar removes the TLS it terminates on port ${port}, and ${shownNameList(plaintext, ({ workload, mtls }) => portModeText(workload, port, mtls))}: the port then serves plaintext with ` +
        `no TLS at all, so clients that originate TLS to it fail the handshake and everything else reaches it unencrypted and ` +
        `unauthenticated. Change the PeerAuthentication's DISABLE for port ${port} first (STRICT or PERMISSIVE gives the port Istio's ` +
        `mutual TLS back), or keep this Sidecar.`,
    }];
  });
}

function peerAuthenticationSide(subject: Subject<'PeerAuthentication'>, { view, rootNamespace }: RuleContext): Finding[] {
  const review = peerAuthenticationReview(subject, view, rootNamespace);
  const deleting = subject.operation === 'DELETE';
  const findings: Finding[] = [];
  // A level change takes a DISABLE away only from ports that inherited it.
  const level = review.level && review.level.before.mode === 'DISABLE' && review.level.after.mode !== 'DISABLE' ? levelWorkloads(review) : [];
  for (const workload of [...review.workloads, ...level]) {
    if (view.workloadFacts(workload).tlsPorts.length === 0) continue;
    const sidecar = sidecarOf(view, workload, rootNamespace)!;
    for (const { path, port } of ingressTlsListeners(sidecar)) {
      const change = changeAt(review, workload, port);
      if (!change || change.before.mode !== 'DISABLE' || change.after.mode === 'DISABLE') continue;
      findings.push({
        rule: 'MG401',
        severity: deleting ? 'warn' : 'deny',
        path: modeField(change, review, subject.operation),
        message:
          `${deleting ? 'deleting this PeerAuthentication makes' : 'this PeerAuthentication makes'} port ${port} of ${workloadName(change.workload)} ` +
          `${mtlsText(change.after)}, but ${objectName(sidecar)} terminates TLS there (${path}), ${CONSEQUENCE} ` +
          `Keep portLevelMtls: {"${port}": {mode: DISABLE}} for this workload, or remove the Sidecar's tls first.`,
      });
    }
  }
  return findings;
}
