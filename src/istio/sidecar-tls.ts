import type { PolicyObject, WorkloadInfo } from '../cluster/model.js';
import { policySelector } from '../cluster/policy-order.js';
import type { ClusterView } from '../cluster/view.js';

/** One `ingress[]` listener of a Sidecar that terminates TLS itself. */
export interface IngressTls {
  path: string;
  port: number;
}

export function ingressTlsListeners(sidecar: PolicyObject<'Sidecar'>): IngressTls[] {
  const listeners: IngressTls[] = [];
  sidecar.spec.ingress?.forEach((ingress, i) => {
    const port = ingress.port?.number;
    if (ingress.tls && typeof port === 'number') listeners.push({ path: `spec.ingress[${i}].tls`, port });
  });
  return listeners;
}

/**
 * The Sidecar Istio applies to a workload: the oldest one whose workloadSelector matches it, else the
 * oldest selectorless one of its namespace, else the oldest selectorless one of the root namespace.
 */
export function sidecarOf(view: Pick<ClusterView, 'selecting' | 'policies'>, workload: WorkloadInfo, rootNamespace: string): PolicyObject<'Sidecar'> | undefined {
  const selecting = view.selecting('Sidecar', workload)[0];
  if (selecting) return selecting;
  const namespaceDefault = (ns: string) => view.policies('Sidecar', ns).find((sidecar) => policySelector(sidecar) === undefined);
  return namespaceDefault(workload.namespace) ?? namespaceDefault(rootNamespace);
}

/** The Sidecar that terminates TLS on `port` of the workload (the one Istio applies to it, with an ingress tls listener there), if any. */
export function sidecarTerminatingTls(view: ClusterView, workload: WorkloadInfo, port: number, rootNamespace: string): PolicyObject<'Sidecar'> | undefined {
  const sidecar = sidecarOf(view, workload, rootNamespace);
  return sidecar && ingressTlsListeners(sidecar).some((listener) => listener.port === port) ? sidecar : undefined;
}

/** `app: httpbin, version: v1`, for fixes that repeat a selector. */
export function selectorText(labels: Readonly<Record<string, string>> | undefined): string {
  return Object.entries(labels ?? {}).map(([key, value]) => `${key}: ${value}`).join(', ');
}
