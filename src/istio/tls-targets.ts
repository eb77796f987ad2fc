import type { PolicyObject, ServiceInfo, ServicePortInfo, WorkloadInfo } from '../cluster/model.js';
import type { ClusterView } from '../cluster/view.js';
import type { ClientTls } from './destination-rule.js';
import type { DestinationRuleSpec } from './kinds.js';
import { targetContainerPort } from './workload-ports.js';

type TrafficPolicy = NonNullable<DestinationRuleSpec['trafficPolicy']>;

/** The `tls` block of a DestinationRule that governs traffic to one port. */
export interface GoverningTls {
  path: string;
  tls: ClientTls;
  /** ` for port 9080 of subset v1`, for messages; empty for the top level. */
  where: string;
}

/** One workload behind the rule's host, reached on one Service port, and the tls block that governs it. */
export interface TlsTarget extends GoverningTls {
  service: ServiceInfo;
  servicePort: ServicePortInfo;
  workload: WorkloadInfo;
  containerPort: number;
}

/**
 * Where a DestinationRule's client TLS settings send traffic, per Istio's MergeTrafficPolicy
 * (pilot/pkg/networking/core/cluster_traffic_policy.go): every workload behind every Service the host
 * names, on every Service port. A portLevelSettings entry for the Service port replaces its level's
 * tls (an entry without tls leaves the port to auto mTLS); a subset's own tls replaces the top level
 * for the subset's workloads, and a subset that says nothing is covered by the top level's targets.
 * Services without a selector have no workloads the view knows, so they add no targets.
 */
export function tlsTargets(view: ClusterView, rule: PolicyObject<'DestinationRule'>): TlsTarget[] {
  const spec = rule.spec;
  const targets: TlsTarget[] = [];
  const add = (governing: GoverningTls | null | undefined, service: ServiceInfo, servicePort: ServicePortInfo, workloads: readonly WorkloadInfo[]) => {
    if (!governing) return;
    for (const workload of workloads) {
      const containerPort = targetContainerPort(servicePort, workload);
      // Spelled out: V8 builds `{ ...governing, more }` on a slow path, hundreds of times slower here.
      if (containerPort !== undefined) targets.push({ path: governing.path, tls: governing.tls, where: governing.where, service, servicePort, workload, containerPort });
    }
  };
  for (const service of view.servicesForHost(typeof spec.host === 'string' ? spec.host : '', rule.namespace)) {
    const selector = service.selector;
    if (!selector) continue;
    const workloads = view.workloads(service.namespace, selector);
    for (const servicePort of service.ports) {
      add(governingTls(spec.trafficPolicy, 'spec.trafficPolicy', servicePort.port, ''), service, servicePort, workloads);
      spec.subsets?.forEach((subset, i) => {
        const governing = governingTls(subset.trafficPolicy, `spec.subsets[${i}].trafficPolicy`, servicePort.port, ` of subset ${subset.name}`);
        if (governing) add(governing, service, servicePort, view.workloads(service.namespace, { ...selector, ...labels(subset.labels) }));
      });
    }
  }
  return targets;
}

/**
 * The tls block governing `port` at one level: the block; null when a port entry leaves tls unset
 * (auto mTLS decides); undefined when the level says nothing and the level above decides.
 */
function governingTls(policy: TrafficPolicy | undefined, base: string, port: number, subset: string): GoverningTls | null | undefined {
  const index = policy?.portLevelSettings?.findIndex((setting) => setting.port?.number === port) ?? -1;
  if (index >= 0) {
    const tls = policy?.portLevelSettings?.[index]?.tls;
    return tls ? { path: `${base}.portLevelSettings[${index}].tls`, tls, where: ` for port ${port}${subset}` } : null;
  }
  return policy?.tls ? { path: `${base}.tls`, tls: policy.tls, where: subset } : undefined;
}

function labels(subsetLabels: Readonly<Record<string, string | undefined>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(subsetLabels ?? {})) if (value !== undefined) out[key] = value;
  return out;
}
