import type { KindSpecs } from '../istio/kinds.js';

/** Labels as Kubernetes stores them. */
export type Labels = Readonly<Record<string, string>>;

export interface NamespaceInfo {
  name: string;
  labels: Labels;
}

/** How Istio treats a port: from appProtocol, else the port name prefix, else sniffed ("unknown"). */
export type PortProtocol = 'http' | 'tcp' | 'tls' | 'unknown';

export interface ServicePortInfo {
  name?: string;
  port: number;
  /** The container port (number) or a named container port; defaults to `port` like Kubernetes. */
  targetPort: number | string;
  protocol: PortProtocol;
  /**
   * Istio's name for the protocol, for messages: `HTTP`, `HTTP2`, `GRPC`, `GRPC-Web`, `HTTPS`, `TLS`,
   * `TCP`, `Mongo`, `Redis`, `MySQL`; `UDP`/`SCTP` (not proxied, `protocol` is "unknown"); `unknown` (sniffed).
   */
  istioProtocol: string;
}

export interface ServiceInfo {
  namespace: string;
  name: string;
  /** Undefined for a Service without selector (its endpoints are managed elsewhere). */
  selector?: Labels;
  ports: readonly ServicePortInfo[];
}

/** A Service port as it reaches one workload. */
export interface ServedPort {
  service: ServiceInfo;
  servicePort: ServicePortInfo;
  /** The container port the traffic lands on; undefined when a named targetPort is not declared by the pod. */
  containerPort: number | undefined;
}

/**
 * A set of pods with one pod template: a Pod, or a Deployment/StatefulSet/DaemonSet/ReplicaSet/Job
 * template (the manifest view sees templates; the live view sees pods).
 */
export interface WorkloadInfo {
  namespace: string;
  /** `Pod/name`, `Deployment/name`, ... */
  ref: string;
  labels: Labels;
  annotations: Labels;
  serviceAccount: string;
  /** Carries, or will get from the injector, an `istio-proxy` sidecar. */
  sidecar: boolean;
  containerPorts: ReadonlyArray<{ port: number; name?: string }>;
  /** Number of pods this entry stands for (1 for a Pod, replicas for a template). */
  pods: number;
}

/** An Istio object as the view keeps it: identity, age (oldest wins in Istio) and spec. */
export interface PolicyObject<K extends keyof KindSpecs> {
  kind: K;
  namespace: string;
  name: string;
  /** RFC 3339; Istio breaks ties between conflicting policies by the oldest creation time, then name. */
  creationTimestamp?: string;
  annotations: Labels;
  spec: KindSpecs[K];
}

export type MtlsMode = 'STRICT' | 'PERMISSIVE' | 'DISABLE';

export interface EffectiveMtls {
  mode: MtlsMode;
  /**
   * The policy that decided the mode, for messages (`PeerAuthentication foo/default (namespace-wide)`),
   * or undefined when no policy applies (Istio's default, PERMISSIVE).
   */
  decidedBy?: { namespace: string; name: string; scope: 'mesh' | 'namespace' | 'workload' | 'port' };
}
