import { buildManifestView, type ManifestView } from '../../src/cluster/manifest-view.js';
import type { ClusterView } from '../../src/cluster/view.js';
import type { KindSpecs, RuleKind } from '../../src/istio/kinds.js';
import type { KubeObject } from '../../src/k8s/types.js';
import type { Finding, Operation, Rule } from '../../src/rules/types.js';

/** Builders for the manifests of a small cluster, for the cross-resource rule tests. */

type Labels = Record<string, string>;

export const namespace = (name: string, labels: Labels = { 'istio-injection': 'enabled' }): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, labels },
});

export interface DeploymentOptions {
  ports?: Array<number | { containerPort: number; name: string }>;
  replicas?: number;
  serviceAccount?: string;
  /** Pod template labels beyond `app`. */
  labels?: Labels;
  /** Pod template annotations. */
  annotations?: Labels;
}

/** A Deployment whose pods carry `app: <name>`; sidecar or not follows the namespace's labels (or `sidecar.istio.io/inject`). */
export function deployment(ns: string, name: string, options: DeploymentOptions = {}): KubeObject {
  const ports = (options.ports ?? [8080]).map((p) => (typeof p === 'number' ? { containerPort: p } : p));
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: {
      replicas: options.replicas ?? 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name, ...options.labels }, annotations: options.annotations },
        spec: { serviceAccountName: options.serviceAccount, containers: [{ name: 'app', image: 'example/app', ports }] },
      },
    },
  } as KubeObject;
}

export interface ServicePortSpec {
  port: number;
  targetPort?: number | string;
  name?: string;
  appProtocol?: string;
}

export function service(ns: string, name: string, ports: ServicePortSpec[], selector: Labels = { app: name }): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns }, spec: { selector, ports } } as KubeObject;
}

export function serviceAccount(ns: string, name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: ns } };
}

const GROUPS: Readonly<Record<string, string>> = {
  PeerAuthentication: 'security.istio.io/v1',
  AuthorizationPolicy: 'security.istio.io/v1',
  RequestAuthentication: 'security.istio.io/v1',
  DestinationRule: 'networking.istio.io/v1',
  Sidecar: 'networking.istio.io/v1',
};

/** An Istio object; `created` sets creationTimestamp (stored objects have one, objects under review on CREATE do not). */
export function istio(kind: keyof typeof GROUPS, ns: string, name: string, spec: object, created?: string): KubeObject {
  return { apiVersion: GROUPS[kind], kind, metadata: { name, namespace: ns, creationTimestamp: created }, spec };
}

export const view = (objects: KubeObject[]): ManifestView => buildManifestView(objects);

export interface ReviewOptions {
  operation?: Operation;
  view: ClusterView;
  rootNamespace?: string;
  /** The stored object an UPDATE replaces (undefined: not known). */
  oldObject?: KubeObject;
}

/** Runs one rule on one Istio object as the webhook would for the operation (CREATE unless stated). */
export function review<K extends RuleKind>(rule: Rule<K>, object: KubeObject, options: ReviewOptions): Finding[] {
  const operation = options.operation ?? 'CREATE';
  if (!(rule.operations ?? ['CREATE', 'UPDATE']).includes(operation)) return [];
  return rule.check(
    {
      kind: object.kind as K,
      operation,
      namespace: object.metadata!.namespace!,
      name: object.metadata!.name!,
      object: object as KubeObject<KindSpecs[K]>,
      oldObject: operation === 'UPDATE' ? (options.oldObject as KubeObject<KindSpecs[K]> | undefined) : undefined,
    },
    { view: options.view, rootNamespace: options.rootNamespace ?? 'istio-system' },
  );
}

/**
 * A view the test can replace between requests (the cluster changed), for end-to-end tests where the
 * server holds one view for its lifetime.
 */
export function switchableView(initial: ClusterView): { view: ClusterView; set(next: ClusterView): void } {
  let current = initial;
  const view = new Proxy({} as ClusterView, {
    get(_target, key) {
      const value: unknown = Reflect.get(current, key, current);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(current) : value;
    },
  });
  return { view, set: (next) => (current = next) };
}
