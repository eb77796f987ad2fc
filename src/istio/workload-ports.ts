import type { ServiceInfo, ServicePortInfo, WorkloadInfo } from '../cluster/model.js';
import type { ClusterView } from '../cluster/view.js';

/** A Service port as it reaches one workload. */
export interface ServedPort {
  service: ServiceInfo;
  servicePort: ServicePortInfo;
  /** The container port the traffic lands on; undefined when a named targetPort is not declared by the pod. */
  containerPort: number | undefined;
}

/** The container port a Service port forwards to on this workload: the targetPort number, or the named container port. */
export function targetContainerPort(servicePort: ServicePortInfo, workload: WorkloadInfo): number | undefined {
  if (typeof servicePort.targetPort === 'number') return servicePort.targetPort;
  return workload.containerPorts.find((p) => p.name === servicePort.targetPort)?.port;
}

/** Every port of every Service that selects the workload, with the container port it lands on. */
export function servedPorts(view: ClusterView, workload: WorkloadInfo): ServedPort[] {
  return view.servicesSelecting(workload).flatMap((service) =>
    service.ports.map((servicePort) => ({ service, servicePort, containerPort: targetContainerPort(servicePort, workload) })),
  );
}

/** The container ports the workload is known to receive on: declared container ports and Service targets, ascending. */
export function receivingPorts(view: ClusterView, workload: WorkloadInfo): number[] {
  const ports = new Set(workload.containerPorts.map((p) => p.port));
  for (const served of servedPorts(view, workload)) if (served.containerPort !== undefined) ports.add(served.containerPort);
  return [...ports].sort((a, b) => a - b);
}

/** A Service port written where a container port belongs, and a workload it forwards to. */
export interface MisusedServicePort extends ServedPort {
  workload: WorkloadInfo;
  containerPort: number;
}

/**
 * `port` written where Istio expects a workload (container) port — AuthorizationPolicy `ports`,
 * PeerAuthentication `portLevelMtls` keys — that is instead a Service port forwarding to another
 * container port, on workloads where `port` is not itself a container port: the setting never applies.
 * Returns the first such Service port, or undefined when `port` is a container port of some workload.
 */
export function servicePortInsteadOfContainerPort(view: ClusterView, workloads: readonly WorkloadInfo[], port: number): MisusedServicePort | undefined {
  let misused: MisusedServicePort | undefined;
  for (const workload of workloads) {
    if (receivingPorts(view, workload).includes(port)) return undefined;
    const served = servedPorts(view, workload).find((s) => s.servicePort.port === port && s.containerPort !== undefined);
    if (served && !misused) misused = { ...served, workload, containerPort: served.containerPort! };
  }
  return misused;
}

/** `8000 is the port of Service foo/httpbin, which forwards to container port 8080 of Deployment/httpbin in foo`. */
export function misusedPortText(misused: MisusedServicePort): string {
  const { service, servicePort, containerPort, workload } = misused;
  return `${servicePort.port} is the port of Service ${service.namespace}/${service.name}, which forwards to container port ${containerPort} of ${workload.ref} in ${workload.namespace}`;
}

/** Service ports (with their Istio protocol) that land on `containerPort` of the workload. */
export function servedOn(view: ClusterView, workload: WorkloadInfo, containerPort: number): ServedPort[] {
  return servedPorts(view, workload).filter((s) => s.containerPort === containerPort);
}
