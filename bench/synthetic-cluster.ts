import type { KubeObject } from '../src/k8s/types.js';

export interface ClusterSize {
  namespaces: number;
  /** Deployments (each with a Service and a DestinationRule) per namespace. */
  workloadsPerNamespace: number;
}

export const DEFAULT_SIZE: ClusterSize = { namespaces: 200, workloadsPerNamespace: 25 };

const created = '2024-01-01T00:00:00Z';

/**
 * A synthetic mesh: a mesh-wide STRICT policy; per namespace (every fifth one unmeshed, every seventh
 * namespace-wide PERMISSIVE) an ALLOW policy on principals and, per workload, a Deployment of 3
 * replicas with an HTTP and a TCP port, its Service (Service port 80 → container port 8080), an
 * ISTIO_MUTUAL DestinationRule, and for every tenth workload a workload PeerAuthentication and a
 * Sidecar terminating TLS on a port-level DISABLE port.
 */
export function syntheticCluster(size: ClusterSize = DEFAULT_SIZE): KubeObject[] {
  const objects: KubeObject[] = [istio('PeerAuthentication', 'istio-system', 'default', { mtls: { mode: 'STRICT' } })];
  for (let n = 0; n < size.namespaces; n++) {
    const ns = `ns-${n}`;
    objects.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: n % 5 === 4 ? {} : { 'istio-injection': 'enabled' } } });
    if (n % 7 === 3) objects.push(istio('PeerAuthentication', ns, 'default', { mtls: { mode: 'PERMISSIVE' } }));
    objects.push(istio('AuthorizationPolicy', ns, 'allow-frontend', { rules: [{ from: [{ source: { principals: [`cluster.local/ns/${ns}/sa/frontend`] } }] }] }));
    for (let w = 0; w < size.workloadsPerNamespace; w++) objects.push(...workload(ns, `app-${w}`, w % 10 === 0));
  }
  return objects;
}

function workload(ns: string, app: string, sidecarTls: boolean): KubeObject[] {
  const objects: KubeObject[] = [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: app, namespace: ns },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app } },
        template: {
          metadata: { labels: { app, version: 'v1' } },
          spec: { serviceAccountName: app, containers: [{ name: 'app', image: 'example/app', ports: [{ containerPort: 8080 }, { containerPort: 9000 }] }] },
        },
      },
    } as KubeObject,
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: app, namespace: ns } },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: app, namespace: ns },
      spec: { selector: { app }, ports: [{ name: 'http', port: 80, targetPort: 8080 }, { name: 'tcp-data', port: 9000 }] },
    } as KubeObject,
    istio('DestinationRule', ns, app, { host: app, trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } }, subsets: [{ name: 'v1', labels: { version: 'v1' } }] }),
  ];
  if (sidecarTls) {
    objects.push(
      istio('PeerAuthentication', ns, app, { selector: { matchLabels: { app } }, mtls: { mode: 'STRICT' }, portLevelMtls: { '8443': { mode: 'DISABLE' } } }),
      istio('Sidecar', ns, app, {
        workloadSelector: { labels: { app } },
        ingress: [{ port: { number: 8443, protocol: 'HTTPS', name: 'external' }, defaultEndpoint: '0.0.0.0:8080', tls: { mode: 'SIMPLE', serverCertificate: '/etc/tls/tls.crt', privateKey: '/etc/tls/tls.key' } }],
      }),
    );
  }
  return objects;
}

const API_VERSIONS: Readonly<Record<string, string>> = {
  PeerAuthentication: 'security.istio.io/v1',
  AuthorizationPolicy: 'security.istio.io/v1',
  DestinationRule: 'networking.istio.io/v1',
  Sidecar: 'networking.istio.io/v1',
};

export function istio(kind: string, namespace: string, name: string, spec: object, creationTimestamp: string | undefined = created): KubeObject {
  return { apiVersion: API_VERSIONS[kind], kind, metadata: { name, namespace, creationTimestamp }, spec };
}
