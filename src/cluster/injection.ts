import type { Labels } from './model.js';

export const PROXY_CONTAINER = 'istio-proxy';
const INJECT = 'sidecar.istio.io/inject';
const REVISION = 'istio.io/rev';
const NAMESPACE_INJECTION = 'istio-injection';
/** The injector's built-in ignore list (pkg/kube/inject: metav1.NamespaceSystem, NamespacePublic). */
const IGNORED_NAMESPACES = new Set(['kube-system', 'kube-public']);

export interface PodTemplateFacts {
  namespace: string;
  /** The namespace's labels, or undefined when the namespace is unknown. */
  namespaceLabels: Labels | undefined;
  labels: Labels;
  annotations: Labels;
  hostNetwork?: boolean;
  containers: ReadonlyArray<{ name: string }>;
  initContainers?: ReadonlyArray<{ name: string }>;
}

/** The pod already carries the proxy: injected earlier, by `istioctl kube-inject`, or as a native sidecar. */
export function hasProxyContainer(pod: Pick<PodTemplateFacts, 'containers' | 'initContainers'>): boolean {
  return pod.containers.some((c) => c.name === PROXY_CONTAINER) || (pod.initContainers ?? []).some((c) => c.name === PROXY_CONTAINER);
}

/**
 * Whether Istio's injector will add `istio-proxy` to a pod created from this template, with the stock
 * MutatingWebhookConfiguration (namespace and object selectors) and injection policy `enabled`:
 * - `hostNetwork` pods and kube-system/kube-public are never injected;
 * - the pod label `sidecar.istio.io/inject=false` always opts out;
 * - a namespace labelled `istio-injection` injects only when the value is `enabled` (any other value,
 *   e.g. `disabled`, turns injection off even for pods that ask for it);
 * - otherwise a namespace with `istio.io/rev`, or a pod labelled `sidecar.istio.io/inject=true` or
 *   `istio.io/rev`, reaches the injector;
 * - the injector then honours the label, else the annotation, `sidecar.istio.io/inject: "false"`.
 * Revisions are assumed to exist; a custom injector policy (`neverInjectSelector`...) is not seen.
 */
export function willBeInjected(pod: PodTemplateFacts): boolean {
  if (pod.hostNetwork === true || IGNORED_NAMESPACES.has(pod.namespace)) return false;
  const podLabel = pod.labels[INJECT];
  if (podLabel === 'false') return false;
  const namespaceLabels = pod.namespaceLabels ?? {};
  const namespaceInjection = namespaceLabels[NAMESPACE_INJECTION];
  const reachesInjector =
    namespaceInjection !== undefined
      ? namespaceInjection === 'enabled'
      : namespaceLabels[REVISION] !== undefined || podLabel === 'true' || pod.labels[REVISION] !== undefined;
  if (!reachesInjector) return false;
  return (podLabel ?? pod.annotations[INJECT]) !== 'false';
}

/** A pod that exists, or will once applied, with an `istio-proxy` container. */
export function hasOrWillGetSidecar(pod: PodTemplateFacts): boolean {
  return hasProxyContainer(pod) || willBeInjected(pod);
}
