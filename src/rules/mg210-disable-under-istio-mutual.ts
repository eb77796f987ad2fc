import { serviceFqdn } from '../cluster/hosts.js';
import type { PolicyObject } from '../cluster/model.js';
import { tlsTargets, type TlsTarget } from '../istio/tls-targets.js';
import { servedOn } from '../istio/workload-ports.js';
import { nameList, objectName, workloadName } from './describe.js';
import { modeField, mtlsChanges, peerAuthenticationReview, type MtlsChange, type PeerAuthenticationReview } from './mtls-changes.js';
import { defineRule, type Finding } from './types.js';

export const mg210 = defineRule({
  id: 'MG210',
  kinds: ['PeerAuthentication'],
  severity: 'deny',
  summary: 'PeerAuthentication that makes a port DISABLE while a DestinationRule sends ISTIO_MUTUAL to it: every request fails with 503 (a DELETE is warned).',
  needsCluster: true,
  operations: ['CREATE', 'UPDATE', 'DELETE'],
  check(subject, { view, rootNamespace }) {
    const review = peerAuthenticationReview(subject, view, rootNamespace);
    const deleting = subject.operation === 'DELETE';
    const conflicts = new Map<string, { path: string; rule: PolicyObject<'DestinationRule'>; target: TlsTarget; servers: string[] }>();
    for (const change of mtlsChanges(review)) {
      if (change.after.mode !== 'DISABLE') continue;
      for (const { rule, target } of istioMutualTo(review, change)) {
        const path = modeField(change, review, subject.operation);
        const key = `${path} ${objectName(rule)} ${target.path}`;
        const conflict = conflicts.get(key) ?? { path, rule, target, servers: [] };
        conflict.servers.push(`${workloadName(change.workload)} (port ${change.port})`);
        conflicts.set(key, conflict);
      }
    }
    return [...conflicts.values()].map(({ path, rule, target, servers }): Finding => ({
      rule: 'MG210',
      severity: deleting ? 'warn' : 'deny',
      path,
      message:
        `${deleting ? 'deleting this PeerAuthentication leaves' : 'this PeerAuthentication makes'} ${nameList(servers)} accept only plaintext ` +
        `(DISABLE), but ${objectName(rule)} sends ISTIO_MUTUAL to ${rule.spec.host}${target.where} (${target.path}), so every request ` +
        `from the sidecars that use that rule fails with 503. Remove that tls block (Istio's auto mTLS then sends plaintext) or set it to ` +
        `DISABLE for this port first, or use PERMISSIVE here.`,
    }));
  },
});

/** DestinationRules that send ISTIO_MUTUAL to this workload port through a Service, after the change. */
function istioMutualTo(review: PeerAuthenticationReview, change: MtlsChange): Array<{ rule: PolicyObject<'DestinationRule'>; target: TlsTarget }> {
  const found: Array<{ rule: PolicyObject<'DestinationRule'>; target: TlsTarget }> = [];
  for (const { service } of servedOn(review.after, change.workload, change.port)) {
    for (const rule of review.after.destinationRulesForHost(serviceFqdn(service.namespace, service.name), service.namespace)) {
      const target = tlsTargets(review.after, rule).find(
        (t) => t.tls.mode === 'ISTIO_MUTUAL' && t.containerPort === change.port && t.workload.ref === change.workload.ref && t.workload.namespace === change.workload.namespace,
      );
      if (target) found.push({ rule, target });
    }
  }
  return found;
}
