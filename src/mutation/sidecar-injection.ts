import type { NamespaceInfo } from '../cluster/model.js';

const INJECT = 'sidecar.istio.io/inject';
const REVISION = 'istio.io/rev';
const NAMESPACE_INJECTION = 'istio-injection';
/** Namespaces Istio's injector skips whatever their labels say (pkg/kube/inject IgnoredNamespaces). */
const IGNORED_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage']);

export interface PodFacts {
  namespace: string;
  labels: Readonly<Record<string, string>>;
  annotations: Readonly<Record<string, string>>;
  hostNetwork: boolean;
}

/** Why the pod will get no istio-proxy, with the field that decides it; undefined when it will (or cannot be told). */
export interface NoSidecar {
  path: string;
  reason: string;
}

/**
 * Mirrors Istio's injection decision: the webhook selectors of `istio-sidecar-injector` (namespace
 * label `istio-injection=enabled` or `istio.io/rev`; otherwise the pod label
 * `sidecar.istio.io/inject: "true"` or `istio.io/rev`), then the injector's own checks (hostNetwork,
 * system namespaces, `sidecar.istio.io/inject` label, else annotation, "false"). `namespace` is
 * undefined when the cluster state is not known: only the pod's own facts are judged then.
 */
export function noSidecarReason(pod: PodFacts, namespace: NamespaceInfo | undefined): NoSidecar | undefined {
  if (pod.hostNetwork) return { path: 'spec.hostNetwork', reason: 'Istio never injects a sidecar into a pod with hostNetwork: true' };
  if (IGNORED_NAMESPACES.has(pod.namespace)) {
    return { path: 'metadata.namespace', reason: `Istio never injects a sidecar into pods of the system namespace ${pod.namespace}` };
  }
  const label = pod.labels[INJECT];
  if (label === 'false') return { path: `metadata.labels.${INJECT}`, reason: `the pod opts out with the label ${INJECT}: "false"` };
  if (label === undefined && pod.annotations[INJECT]?.toLowerCase() === 'false') {
    return { path: `metadata.annotations.${INJECT}`, reason: `the pod opts out with the annotation ${INJECT}: "false"` };
  }
  if (!namespace) return undefined;
  const namespaceInjection = namespace.labels[NAMESPACE_INJECTION];
  if (namespaceInjection === 'enabled') return undefined;
  if (namespaceInjection !== undefined) {
    return {
      path: 'metadata.namespace',
      reason: `namespace ${namespace.name} is labelled ${NAMESPACE_INJECTION}=${namespaceInjection}, so Istio's injector is never called for its pods`,
    };
  }
  if (namespace.labels[REVISION] !== undefined || label === 'true' || pod.labels[REVISION] !== undefined) return undefined;
  return {
    path: 'metadata.namespace',
    reason:
      `namespace ${namespace.name} has neither the label ${NAMESPACE_INJECTION}=enabled nor ${REVISION}, and the pod has no label ` +
      `${INJECT}: "true" (an annotation does not reach Istio's webhook selector)`,
  };
}
