import type { ServedPort, WorkloadInfo } from '../cluster/model.js';
import type { ClusterView } from '../cluster/view.js';

export type { ServedPort } from '../cluster/model.js';
export { targetContainerPort } from '../cluster/workload-facts.js';

/** Every port of every Service that selects the workload, with the container port it lands on. */
export function servedPorts(view: ClusterView, workload: WorkloadInfo): readonly ServedPort[] {
  return view.workloadFacts(workload).served;
}

/** The container ports the workload is known to receive on: declared container ports and Service targets, ascending. */
export function receivingPorts(view: ClusterView, workload: WorkloadInfo): readonly number[] {
  return view.workloadFacts(workload).receiving;
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
export function servicePortInsteadOfContainerPort(view: ClusterView, workloads: Iterable<WorkloadInfo>, port: number): MisusedServicePort | undefined {
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

/** A container port that Istio serves on a TCP filter chain (TCP, TLS/HTTPS passthrough, Mongo, Redis, MySQL), per the Service that targets it. */
export interface TcpPort {
  workload: WorkloadInfo;
  port: number;
  served: ServedPort;
}

/** The first port among `limitedTo` (default: every port each workload receives on) that a Service declares as non-HTTP. */
export function firstTcpPort(view: ClusterView, workloads: Iterable<WorkloadInfo>, limitedTo?: readonly number[]): TcpPort | undefined {
  for (const workload of workloads) {
    for (const port of limitedTo ?? receivingPorts(view, workload)) {
      const served = servedOn(view, workload, port).find((s) => s.servicePort.protocol === 'tcp' || s.servicePort.protocol === 'tls');
      if (served) return { workload, port, served };
    }
  }
  return undefined;
}

/** True when there are workloads and every port they receive on is declared HTTP by every Service that targets it. */
export function everyPortIsHttp(view: ClusterView, workloads: Iterable<WorkloadInfo>): boolean {
  let any = false;
  for (const workload of workloads) {
    any = true;
    const ports = receivingPorts(view, workload);
    const allHttp = ports.length > 0 && ports.every((port) => {
      const served = servedOn(view, workload, port);
      return served.length > 0 && served.every((s) => s.servicePort.protocol === 'http');
    });
    if (!allHttp) return false;
  }
  return any;
}

/** `port 3306 of Deployment/db in shop (Service shop/db port 3306, MySQL)`. */
export function tcpPortText({ workload, port, served }: TcpPort): string {
  return `port ${port} of ${workload.ref} in ${workload.namespace} (Service ${served.service.namespace}/${served.service.name} port ${served.servicePort.port}, ${served.servicePort.istioProtocol})`;
}
