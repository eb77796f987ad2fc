import { serviceFqdn } from '../cluster/hosts.js';
import type { MtlsMode, PolicyObject, ServiceInfo } from '../cluster/model.js';
import type { ClientTls } from '../istio/destination-rule.js';
import { tlsTargets, type TlsTarget } from '../istio/tls-targets.js';
import { getOrCreate } from '../util/get-or-create.js';
import { objectName, workloadPortName } from './describe.js';
import { changeAt, modeField, peerAuthenticationReview, type PeerAuthenticationReview } from './mtls-changes.js';
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
 * The Services through which the change's ports are reached: those selecting the selected workloads,
 * every Service of the namespace whose mode moves, or of the namespaces that inherit a mesh-wide mode.
 */
function servicesReached(review: PeerAuthenticationReview): ServiceInfo[] {
  const services = new Set<ServiceInfo>();
  for (const workload of review.workloads) for (const service of review.before.servicesSelecting(workload)) services.add(service);
  const level = review.level;
  if (level) {
    const namespaces = level.namespace === review.rootNamespace ? review.before.meshCounts('meshModeWorkloads').namespaces() : [level.namespace];
    for (const namespace of namespaces) for (const service of review.before.servicesForHost(serviceFqdn(namespace, '*'), namespace)) services.add(service);
  }
  return [...services];
}

/** A tls block of a DestinationRule, landing behind a Service through which the change's ports are reached. */
interface ReachingTarget {
  rule: PolicyObject<'DestinationRule'>;
  target: TlsTarget;
}

/** MG210 and MG301 look up the same rules for the same review, each for another mode: once per review. */
const reachingTargets = new WeakMap<PeerAuthenticationReview, ReachingTarget[]>();

/**
 * Every tls block, after the change, of the DestinationRules for the hosts of the Services that reach
 * the change's ports (as seen from the Service's own namespace: exportTo), that lands behind that
 * Service: Services in `servicesReached` order, then the rules in Istio's order, then the blocks.
 */
function targetsReaching(review: PeerAuthenticationReview): ReachingTarget[] {
  return getOrCreate(reachingTargets, review, () => {
    const targetsOf = new Map<PolicyObject<'DestinationRule'>, TlsTarget[]>();
    const found: ReachingTarget[] = [];
    for (const service of servicesReached(review)) {
      for (const rule of review.after.destinationRulesForHost(serviceFqdn(service.namespace, service.name), service.namespace)) {
        for (const target of getOrCreate(targetsOf, rule, () => tlsTargets(review.after, rule))) if (target.service === service) found.push({ rule, target });
      }
    }
    return found;
  });
}

/**
 * The DestinationRules that, after the change, send `sent` to a workload port the change makes `mode`,
 * through a Service. Looked up from the dependent side (`targetsReaching`), and for each tls block of
 * `sent` the one port it reaches (`changeAt`), so a namespace- or mesh-wide change visits no workload
 * that no such rule reaches. The first block of a rule that reaches a port is the one reported.
 */
function tlsSendersTo(review: PeerAuthenticationReview, mode: MtlsMode, sent: ClientTls['mode'], operation: Operation): TlsSender[] {
  if (review.workloads.length === 0 && review.level?.after.mode !== mode) return [];
  const senders = new Map<string, TlsSender>();
  const reached = new Set<string>();
  for (const { rule, target } of targetsReaching(review)) {
    if (target.tls.mode !== sent) continue;
    const port = `${objectName(rule)} ${target.workload.namespace}/${target.workload.ref}:${target.containerPort}`;
    if (reached.has(port)) continue;
    reached.add(port);
    const change = changeAt(review, target.workload, target.containerPort);
    if (change?.after.mode !== mode) continue;
    const path = modeField(change, review, operation);
    const key = `${path} ${objectName(rule)} ${target.path}`;
    const sender = senders.get(key) ?? { path, rule, target, servers: [] };
    sender.servers.push(workloadPortName(change.workload, change.port));
    senders.set(key, sender);
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
  return tlsSendersTo(review, mode, sent, subject.operation).map((sender) => ({ rule, severity: deleting ? 'warn' : 'deny', path: sender.path, message: message(sender, deleting) }));
}
