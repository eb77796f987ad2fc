import type { KindSpecs } from '../istio/kinds.js';
import type { KubeObject } from '../k8s/types.js';
import { hasOrWillGetSidecar, hasProxyContainer } from './injection.js';
import { LAST_APPLIED, type IstioObject, type IstiodDeploymentObject, type NamespaceObject, type PodObject, type PodTemplateObject, type ServiceObject } from './kube-shapes.js';
import type { Labels, NamespaceInfo, PolicyObject, ServiceInfo, WorkloadInfo } from './model.js';
import { servicePortProtocol } from './protocol.js';
import type { IstioKind } from './view.js';

/** From the Kubernetes shapes (already checked and slimmed) to the model the rules read. */

const NO_LABELS: Labels = Object.freeze({});

export function namespaceInfo(object: NamespaceObject): NamespaceInfo {
  return { name: object.metadata.name, labels: object.metadata.labels ?? NO_LABELS };
}

export function serviceInfo(object: ServiceObject, namespace: string): ServiceInfo {
  return {
    namespace,
    name: object.metadata.name,
    selector: object.spec.selector,
    ports: (object.spec.ports ?? []).map((port) => ({
      name: port.name,
      port: port.port,
      targetPort: port.targetPort ?? port.port,
      ...servicePortProtocol(port),
    })),
  };
}

/**
 * A running pod: it has a sidecar exactly when `istio-proxy` is among its containers (injection
 * happened, or not, when it was created; a later namespace label changes nothing until it restarts).
 */
export function livePodWorkload(object: PodObject, namespace: string): WorkloadInfo {
  return {
    namespace,
    ref: `Pod/${object.metadata.name}`,
    labels: object.metadata.labels ?? NO_LABELS,
    annotations: withoutLastApplied(object.metadata.annotations),
    serviceAccount: object.spec.serviceAccountName || 'default',
    sidecar: hasProxyContainer(object.spec),
    containerPorts: containerPorts(object.spec),
    pods: 1,
  };
}

/**
 * A pod or pod template about to be applied: it has a sidecar when it carries `istio-proxy` already
 * or when Istio's injector will add one, given the namespace's labels.
 */
export function plannedWorkload(
  ref: string,
  namespace: string,
  namespaceLabels: Labels | undefined,
  template: PodTemplateObject,
  pods: number,
): WorkloadInfo {
  const labels = template.metadata?.labels ?? NO_LABELS;
  const annotations = withoutLastApplied(template.metadata?.annotations);
  const spec = template.spec;
  return {
    namespace,
    ref,
    labels,
    annotations,
    serviceAccount: spec.serviceAccountName || 'default',
    sidecar: hasOrWillGetSidecar({ namespace, namespaceLabels, labels, annotations, ...spec }),
    containerPorts: containerPorts(spec),
    pods,
  };
}

/** An Istio object as the view keeps it. Works on any object of the kind (admission request, manifest, cache). */
export function policyObject<K extends IstioKind>(kind: K, object: KubeObject | IstioObject, namespace: string): PolicyObject<K> {
  const metadata = object.metadata ?? {};
  return {
    kind,
    namespace,
    name: metadata.name ?? '',
    creationTimestamp: metadata.creationTimestamp,
    annotations: withoutLastApplied(metadata.annotations),
    spec: (object.spec ?? {}) as KindSpecs[K],
  };
}

/**
 * istiod's ENABLE_TLS_ON_SIDECAR_INGRESS (Istio's default: off). Undefined when the value comes from
 * elsewhere (valueFrom) and so cannot be read here. Booleans parse like Go's strconv.ParseBool, and an
 * unparsable value falls back to the default, as istiod's env var reader does.
 */
export function istiodTlsOnSidecarIngress(object: IstiodDeploymentObject): boolean | undefined {
  const containers = object.spec.template.spec.containers;
  const discovery = containers.find((c) => c.name === 'discovery') ?? containers[0];
  const variable = discovery?.env?.find((e) => e.name === 'ENABLE_TLS_ON_SIDECAR_INGRESS');
  if (!variable) return false;
  if (variable.value === undefined) return variable.valueFrom ? undefined : false;
  return ['1', 't', 'T', 'true', 'TRUE', 'True'].includes(variable.value);
}

/** `matchLabels` as Istio's generated types declare it (values possibly undefined) to Labels. */
export function labelsOf(matchLabels: Readonly<Record<string, string | undefined>> | undefined): Labels | undefined {
  return matchLabels as Labels | undefined;
}

function containerPorts(spec: PodObject['spec']): WorkloadInfo['containerPorts'] {
  const ports: Array<{ port: number; name?: string }> = [];
  for (const container of spec.containers) {
    for (const port of container.ports ?? []) ports.push(port.name === undefined ? { port: port.containerPort } : { port: port.containerPort, name: port.name });
  }
  return ports;
}

function withoutLastApplied(annotations: Readonly<Record<string, string>> | undefined): Labels {
  if (!annotations) return NO_LABELS;
  if (!Object.hasOwn(annotations, LAST_APPLIED)) return annotations;
  // Copied key by key: a spread and a delete leave V8 a dictionary-mode object, slow to build and to read.
  const rest: Record<string, string> = {};
  for (const [key, value] of Object.entries(annotations)) if (key !== LAST_APPLIED) rest[key] = value;
  return rest;
}
