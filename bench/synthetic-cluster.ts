import type { KubeObject } from '../src/k8s/types.js';

export interface SyntheticClusterOptions {
  namespaces?: number;
  pods?: number;
  services?: number;
  peerAuthentications?: number;
  authorizationPolicies?: number;
  destinationRules?: number;
  /** Share of namespaces labelled istio-injection=enabled (their pods carry istio-proxy). */
  meshedShare?: number;
  rootNamespace?: string;
}

/** The issue's scale: 10,000 pods in 500 namespaces, 2,000 Services, 1,000 PA, 1,000 AP, 500 DR. */
export const ISSUE_SCALE: Required<SyntheticClusterOptions> = {
  namespaces: 500,
  pods: 10_000,
  services: 2_000,
  peerAuthentications: 1_000,
  authorizationPolicies: 1_000,
  destinationRules: 500,
  meshedShare: 0.9,
  rootNamespace: 'istio-system',
};

/** Apps per namespace: pods and Services are spread over them, policies select them. */
export const APPS_PER_NAMESPACE = 4;

export const namespaceName = (i: number) => `ns-${String(i).padStart(3, '0')}`;

/**
 * The namespaces the rule-cost reviews touch (ns-000 and ns-001), each with the same contents as in
 * the issue's cluster, and nothing else: what a review costs when the cluster is no larger than its answer.
 */
export const REVIEWED_NAMESPACES_ONLY = { namespaces: 2, pods: 40, services: 8, peerAuthentications: 4, authorizationPolicies: 4, destinationRules: 2 } satisfies SyntheticClusterOptions;
export const appName = (i: number) => `app-${i % APPS_PER_NAMESPACE}`;

/**
 * A deterministic synthetic cluster as the API server would return it (Pods with the status, managed
 * fields and environment that real pods carry), spread round-robin over the namespaces. On top of the
 * counts: the root namespace with a mesh-wide STRICT PeerAuthentication and an istiod Deployment.
 */
export function syntheticCluster(options: SyntheticClusterOptions = {}): KubeObject[] {
  const o = { ...ISSUE_SCALE, ...options };
  const objects: KubeObject[] = [];
  const meshed = (ns: number) => ns < Math.round(o.namespaces * o.meshedShare);
  const spread = (count: number, make: (ns: number, index: number) => KubeObject) => {
    for (let k = 0; k < count; k++) objects.push(make(k % o.namespaces, Math.floor(k / o.namespaces)));
  };

  objects.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: o.rootNamespace } });
  objects.push(istiod(o.rootNamespace));
  objects.push(peerAuthentication(o.rootNamespace, 'default', {}, 'STRICT'));
  for (let ns = 0; ns < o.namespaces; ns++) {
    objects.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespaceName(ns), labels: meshed(ns) ? { 'istio-injection': 'enabled' } : {} } });
    for (let app = 0; app < APPS_PER_NAMESPACE; app++) objects.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: appName(app), namespace: namespaceName(ns) } });
  }
  spread(o.pods, (ns, i) => pod(namespaceName(ns), `${appName(i)}-${i}`, appName(i), meshed(ns)));
  spread(o.services, (ns, i) => service(namespaceName(ns), appName(i)));
  spread(o.peerAuthentications, (ns, i) =>
    i === 0 ? peerAuthentication(namespaceName(ns), 'default', {}, 'PERMISSIVE') : peerAuthentication(namespaceName(ns), `pa-${i}`, { app: appName(i - 1) }, 'STRICT'),
  );
  spread(o.authorizationPolicies, (ns, i) => authorizationPolicy(namespaceName(ns), `ap-${i}`, appName(i)));
  spread(o.destinationRules, (ns, i) => destinationRule(namespaceName(ns), `dr-${i}`, appName(i), i % 2 === 0 ? ['.'] : ['*']));
  return objects;
}

function pod(namespace: string, name: string, app: string, meshed: boolean): KubeObject {
  const container = (containerName: string, ports: Array<{ containerPort: number; name?: string }>) => ({
    name: containerName,
    image: `registry.example/${containerName}:1.0.0`,
    ports: ports.map((p) => ({ ...p, protocol: 'TCP' })),
    env: [{ name: 'LOG_LEVEL', value: 'info' }, { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
    volumeMounts: [{ name: 'kube-api-access', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true }],
  });
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace,
      uid: `uid-${namespace}-${name}`,
      resourceVersion: '1',
      creationTimestamp: '2024-06-01T00:00:00Z',
      labels: { app, version: 'v1', 'pod-template-hash': '5d8f7c9b4' },
      annotations: meshed ? { 'sidecar.istio.io/status': '{"initContainers":["istio-init"],"containers":["istio-proxy"],"volumes":["istio-envoy","istio-data","istio-podinfo","istio-token","istiod-ca-cert"]}' } : {},
      managedFields: [{ manager: 'kube-controller-manager', operation: 'Update', apiVersion: 'v1', time: '2024-06-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:labels': {} } } }],
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${app}-5d8f7c9b4`, uid: 'owner' }],
    } as KubeObject['metadata'],
    spec: {
      serviceAccountName: app,
      containers: [container('app', [{ containerPort: 8080, name: 'http' }, { containerPort: 9090, name: 'grpc' }]), ...(meshed ? [container('istio-proxy', [{ containerPort: 15090, name: 'http-envoy-prom' }])] : [])],
      volumes: [{ name: 'kube-api-access', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } }],
    },
    status: { phase: 'Running', podIP: '10.0.0.1', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'app', ready: true, restartCount: 0 }] },
  } as KubeObject;
}

function service(namespace: string, app: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: app, namespace },
    spec: {
      selector: { app },
      ports: [
        { name: 'http', port: 80, targetPort: 8080 },
        { name: 'grpc', port: 9090, targetPort: 9090 },
        { name: 'tcp-db', port: 5432, targetPort: 5432 },
      ],
    },
  } as KubeObject;
}

function peerAuthentication(namespace: string, name: string, selector: Record<string, string>, mode: string): KubeObject {
  const workload = Object.keys(selector).length > 0;
  return {
    apiVersion: 'security.istio.io/v1',
    kind: 'PeerAuthentication',
    metadata: { name, namespace, creationTimestamp: '2024-06-01T00:00:00Z' },
    spec: { ...(workload ? { selector: { matchLabels: selector }, portLevelMtls: { '9090': { mode: 'PERMISSIVE' } } } : {}), mtls: { mode } },
  };
}

function authorizationPolicy(namespace: string, name: string, app: string): KubeObject {
  return {
    apiVersion: 'security.istio.io/v1',
    kind: 'AuthorizationPolicy',
    metadata: { name, namespace, creationTimestamp: '2024-06-01T00:00:00Z' },
    spec: {
      selector: { matchLabels: { app } },
      action: 'ALLOW',
      rules: [{ from: [{ source: { principals: [`cluster.local/ns/${namespace}/sa/${app}`] } }], to: [{ operation: { ports: ['8080'], methods: ['GET'] } }] }],
    },
  };
}

function destinationRule(namespace: string, name: string, app: string, exportTo: string[]): KubeObject {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { name, namespace, creationTimestamp: '2024-06-01T00:00:00Z' },
    spec: { host: app, exportTo, trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } },
  };
}

function istiod(namespace: string): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'istiod', namespace, labels: { app: 'istiod' } },
    spec: { replicas: 1, template: { metadata: { labels: { app: 'istiod' } }, spec: { containers: [{ name: 'discovery', env: [{ name: 'ENABLE_TLS_ON_SIDECAR_INGRESS', value: 'true' }] }] } } },
  } as KubeObject;
}
