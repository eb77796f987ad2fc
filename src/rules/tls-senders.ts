import { serviceFqdn } from '../cluster/hosts.js';
import type { MtlsMode, PolicyObject } from '../cluster/model.js';
import type { ClientTls } from '../istio/destination-rule.js';
import { tlsTargets, type TlsTarget } from '../istio/tls-targets.js';
import { servedOn } from '../istio/workload-ports.js';
import { objectName, workloadPortName } from './describe.js';
import { modeField, mtlsChanges, peerAuthenticationReview, type MtlsChange, type PeerAuthenticationReview } from './mtls-changes.js';
import type { Finding, Operation, RuleContext, Subject } from './types.js';

/** A DestinationRule tls block that sends one mode to ports a PeerAuthentication change moves, for one finding. */
export interface TlsSender {
  /** The field of the reviewed PeerAuthentication that sets the new mode. */
  path: string;
  rule: PolicyObject<'DestinationRule'>;
  target: TlsTarget;
  /** `Deployment/httpbin in full (port 8080)`, one per port the block reaches. */
  servers: string[];
}

/**
 * The DestinationRules that, after the change, send `mode` to one of the changed workload ports through
 * a Service, as seen from the Service's own namespace (exportTo). Looked up from the changed ports:
 * the Services that serve each port, then the rules for their hosts, so nothing else is visited.
 */
function tlsSendersTo(review: PeerAuthenticationReview, changes: readonly MtlsChange[], mode: ClientTls['mode'], operation: Operation): TlsSender[] {
  const targetsOf = new Map<PolicyObject<'DestinationRule'>, TlsTarget[]>();
  const senders = new Map<string, TlsSender>();
  for (const change of changes) {
    for (const { service } of servedOn(review.after, change.workload, change.port)) {
      for (const rule of review.after.destinationRulesForHost(serviceFqdn(service.namespace, service.name), service.namespace)) {
        const targets = targetsOf.get(rule) ?? tlsTargets(review.after, rule).filter((t) => t.tls.mode === mode);
        targetsOf.set(rule, targets);
        const target = targets.find((t) => t.containerPort === change.port && t.workload.ref === change.workload.ref && t.workload.namespace === change.workload.namespace);
        if (!target) continue;
        const path = modeField(change, review, operation);
        const key = `${path} ${objectName(rule)} ${target.path}`;
        const sender = senders.get(key) ?? { path, rule, target, servers: [] };
        sender.servers.push(workloadPortName(change.workload, change.port));
        senders.set(key, sender);
      }
    }
  }
  return [...senders.values()];
}

/**
 * The PeerAuthentication side of MG210 and MG301: one finding per DestinationRule tls block that sends
 * `sent` to ports the change makes `mode` (deny; a DELETE is warned, never denied).
 */
export function tlsSenderFindings(
  rule: string,
  subject: Subject<'PeerAuthentication'>,
  { view, rootNamespace }: RuleContext,
  mode: MtlsMode,
  sent: ClientTls['mode'],
  message: (sender: TlsSender, deleting: boolean) => string,
): Finding[] {
  const review = peerAuthenticationReview(subject, view, rootNamespace);
  const deleting = subject.operation === 'DELETE';
  const changes = mtlsChanges(review).filter((c) => c.after.mode === mode);
  return tlsSendersTo(review, changes, sent, subject.operation).map((sender) => ({ rule, severity: deleting ? 'warn' : 'deny', path: sender.path, message: message(sender, deleting) }));
}
