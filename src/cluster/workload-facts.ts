import { ingressTlsListeners, sidecarOf } from '../istio/sidecar-tls.js';
import type { PolicyObject, ServedPort, ServicePortInfo, WorkloadInfo } from './model.js';
import type { ClusterView } from './view.js';

/**
 * What the rules ask about one workload again and again, derived once when the workload or an object
 * that reaches it changes (the store refreshes them), never on the request path.
 */
export interface WorkloadFacts {
  /** Every port of every Service that selects the workload, with the container port it lands on. */
  served: readonly ServedPort[];
  /** The container ports it is known to receive on: declared container ports and Service targets, ascending. */
  receiving: readonly number[];
  /** Workload-scoped PeerAuthentications of its namespace that select it, oldest first. */
  peerAuthentications: ReadonlyArray<PolicyObject<'PeerAuthentication'>>;
  /** The ports on which the Sidecar Istio applies to it terminates TLS (ingress tls listeners). */
  tlsPorts: readonly number[];
  /**
   * The ports whose effective mTLS mode a PeerAuthentication change can move, as the rules judge them:
   * every port it receives on and every port its Sidecar terminates TLS on (they need not be declared);
   * port 0, the workload level, for a workload with no known port.
   */
  mtlsPorts: readonly number[];
}

/** The queries the facts are derived from (the store answers them from its indexes, not from the facts). */
export type FactSources = Pick<ClusterView, 'servicesSelecting' | 'selecting' | 'policies'>;

export function workloadFacts(view: FactSources, rootNamespace: string, workload: WorkloadInfo): WorkloadFacts {
  const served = view.servicesSelecting(workload).flatMap((service) =>
    service.ports.map((servicePort) => ({ service, servicePort, containerPort: targetContainerPort(servicePort, workload) })),
  );
  const receiving = new Set(workload.containerPorts.map((p) => p.port));
  for (const { containerPort } of served) if (containerPort !== undefined) receiving.add(containerPort);
  const sidecar = sidecarOf(view, workload, rootNamespace);
  const tlsPorts = sidecar ? ingressTlsListeners(sidecar).map((listener) => listener.port) : [];
  const receivingAscending = [...receiving].sort((a, b) => a - b);
  const mtlsPorts = new Set([...receivingAscending, ...tlsPorts]);
  return {
    served,
    receiving: receivingAscending,
    peerAuthentications: view.selecting('PeerAuthentication', workload),
    tlsPorts,
    mtlsPorts: mtlsPorts.size > 0 ? [...mtlsPorts] : [0],
  };
}

/** The container port a Service port forwards to on this workload: the targetPort number, or the named container port. */
export function targetContainerPort(servicePort: ServicePortInfo, workload: WorkloadInfo): number | undefined {
  if (typeof servicePort.targetPort === 'number') return servicePort.targetPort;
  return workload.containerPorts.find((p) => p.name === servicePort.targetPort)?.port;
}
