import t from 'tap';
import type { MeshCount } from '../../src/cluster/mesh-tally.js';
import { watchedResources, type WatchedResource } from '../../src/cluster/resources.js';
import { ClusterStore } from '../../src/cluster/store.js';
import type { ClusterView } from '../../src/cluster/view.js';
import type { KubeObject } from '../../src/k8s/types.js';

/**
 * The mesh-wide counts and workload facts the store keeps on update, driven the way the live view's
 * informers drive it (slim, then upsert or remove per watch event), checked against a store built
 * afresh from the objects that remain, so a count or fact left stale by some order of events shows.
 */

const ROOT = 'istio-system';
const COUNTS: MeshCount[] = ['unmeshedWorkloads', 'unmeshedPods', 'plaintextPorts', 'meshModeWorkloads', 'jwtAuthorizationPolicies'];
const resources = new Map(watchedResources(ROOT).map((r) => [r.name, r]));
const RESOURCE_OF: Readonly<Record<string, string>> = {
  Namespace: 'namespaces',
  Pod: 'pods',
  Service: 'services',
  PeerAuthentication: 'peerauthentications',
  AuthorizationPolicy: 'authorizationpolicies',
  Sidecar: 'sidecars',
};

const key = (object: KubeObject) => `${object.kind}/${object.metadata!.namespace ?? ''}/${object.metadata!.name}`;
const resourceOf = (object: KubeObject): WatchedResource => resources.get(RESOURCE_OF[object.kind!]!)!;

function upsert(store: ClusterStore, object: KubeObject): void {
  const resource = resourceOf(object);
  resource.upsert(store, resource.slim(structuredClone(object))!);
}

function remove(store: ClusterStore, object: KubeObject): void {
  const resource = resourceOf(object);
  resource.remove(store, resource.slim(structuredClone(object))!);
}

const pod = (ns: string, name: string, app: string, sidecar: boolean, port: number): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: ns, labels: { app } },
  spec: { containers: [{ name: 'app', ports: [{ containerPort: port, name: 'web' }] }, ...(sidecar ? [{ name: 'istio-proxy' }] : [])] },
});
const service = (ns: string, app: string, targetPort: number | string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: app, namespace: ns },
  spec: { selector: { app }, ports: [{ name: 'http', port: 80, targetPort }] },
});
const peerAuthentication = (ns: string, name: string, mode: string, app?: string, created = '2024-01-01T00:00:00Z'): KubeObject => ({
  apiVersion: 'security.istio.io/v1',
  kind: 'PeerAuthentication',
  metadata: { name, namespace: ns, creationTimestamp: created },
  spec: { ...(app ? { selector: { matchLabels: { app } }, portLevelMtls: { '8080': { mode: 'DISABLE' } } } : {}), mtls: { mode } },
});
const sidecar = (ns: string, name: string, port: number, app?: string): KubeObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'Sidecar',
  metadata: { name, namespace: ns, creationTimestamp: '2024-01-01T00:00:00Z' },
  spec: {
    ...(app ? { workloadSelector: { labels: { app } } } : {}),
    ingress: [{ port: { number: port, protocol: 'HTTPS', name: 'tls' }, defaultEndpoint: '0.0.0.0:8080', tls: { mode: 'SIMPLE', serverCertificate: '/c', privateKey: '/k' } }],
  },
});

const authorizationPolicy = (ns: string, name: string, source: object): KubeObject => ({
  apiVersion: 'security.istio.io/v1',
  kind: 'AuthorizationPolicy',
  metadata: { name, namespace: ns, creationTimestamp: '2024-01-01T00:00:00Z' },
  spec: { rules: [{ from: [{ source }] }] },
});

/** What the store says, per count: the total and every non-zero namespace; and the facts of every workload. */
function snapshot(view: ClusterView): object {
  const counts = Object.fromEntries(
    COUNTS.map((count) => {
      const counter = view.meshCounts(count);
      const perNamespace = Object.fromEntries([...counter.namespaces()].sort().map((ns) => [ns, counter.get(ns)]));
      return [count, { total: counter.total, size: counter.size, perNamespace, top: counter.top(2) }];
    }),
  );
  const facts = [...view.allWorkloads()]
    .map((w) => {
      const f = view.workloadFacts(w);
      return [`${w.namespace}/${w.ref}`, { receiving: f.receiving, tlsPorts: f.tlsPorts, peerAuthentications: f.peerAuthentications.map((p) => p.name), served: f.served.map((s) => `${s.service.name}:${s.servicePort.port}>${s.containerPort}`) }];
    })
    .sort();
  return { counts, facts };
}

/** A deterministic pseudo-random sequence (mulberry32). */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

t.test('the counts and facts stay right through watch events (add, modify, delete) in any order', async (t) => {
  const next = random(42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const namespaces = ['shop', 'batch', ROOT];
  const modes = ['STRICT', 'PERMISSIVE', 'DISABLE', 'UNSET'];
  const candidates = (): KubeObject => {
    const ns = pick(namespaces);
    const app = pick(['cart', 'db']);
    switch (pick(['pod', 'pod', 'pod', 'service', 'pa', 'pa', 'sidecar', 'ap'])) {
      case 'ap':
        return authorizationPolicy(ns, `ap-${app}`, next() < 0.5 ? { requestPrincipals: ['*'] } : { principals: ['*'] });
      case 'pod':
        return pod(ns, `${app}-${pick(['1', '2', '3'])}`, app, next() < 0.7, pick([8080, 9090]));
      case 'service':
        return service(ns, app, pick([8080, 9090, 'web']));
      case 'pa':
        return next() < 0.5 ? peerAuthentication(ns, 'default', pick(modes)) : peerAuthentication(ns, `pa-${app}`, pick(modes), app, pick(['2024-01-01T00:00:00Z', '2023-01-01T00:00:00Z']));
      default:
        return next() < 0.5 ? sidecar(ns, 'default', pick([8443, 9443])) : sidecar(ns, `sc-${app}`, pick([8443, 9443]), app);
    }
  };

  const store = new ClusterStore(ROOT, () => true);
  const present = new Map<string, KubeObject>();
  for (const ns of namespaces) {
    const object: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } };
    upsert(store, object);
    present.set(key(object), object);
  }
  for (let step = 0; step < 400; step++) {
    const object = candidates();
    const existing = present.get(key(object));
    if (existing && next() < 0.3) {
      remove(store, existing);
      present.delete(key(object));
    } else {
      upsert(store, object);
      present.set(key(object), object);
    }
    if (step % 20 !== 19) continue;
    const rebuilt = new ClusterStore(ROOT, () => true);
    for (const object of [...present.values()].reverse()) upsert(rebuilt, object);
    t.same(snapshot(store), snapshot(rebuilt), `after ${step + 1} events the store agrees with one built from what remains`);
  }
});

t.test('the counts of a small mesh, and of the same mesh seen through withChange, match what a visit finds', async (t) => {
  const store = new ClusterStore(ROOT, () => true);
  const objects = [
    pod('shop', 'cart-1', 'cart', true, 8080),
    pod('shop', 'cart-2', 'cart', true, 8080),
    pod('shop', 'db-1', 'db', true, 5432),
    pod('batch', 'report-1', 'report', false, 8080),
    service('shop', 'cart', 8080),
    peerAuthentication('shop', 'pa-cart', 'STRICT', 'cart'),
  ];
  for (const object of objects) upsert(store, object);
  // cart: STRICT, but portLevelMtls 8080 DISABLE; db: no policy, PERMISSIVE by Istio's default.
  t.equal(store.meshCounts('plaintextPorts').total, 3, 'cart-1:8080, cart-2:8080, db-1:5432');
  t.equal(store.meshCounts('meshModeWorkloads').total, 1, 'only db-1 takes the mesh mode');
  t.equal(store.meshCounts('unmeshedPods').get('batch'), 1);

  const strictMesh = peerAuthentication(ROOT, 'default', 'STRICT');
  const after = store.withChange({ type: 'upsert', object: { kind: 'PeerAuthentication', namespace: ROOT, name: 'default', annotations: {}, creationTimestamp: '2024-01-01T00:00:00Z', spec: strictMesh.spec as object } });
  const seenThroughOverlay = snapshot(after);
  upsert(store, strictMesh);
  t.equal(store.meshCounts('plaintextPorts').total, 2, 'db-1 is STRICT now');
  t.same(seenThroughOverlay, snapshot(store), 'the overlay counted as the store does once the change is applied');

  remove(store, objects[5]!);
  t.equal(store.meshCounts('plaintextPorts').total, 0, 'without the workload policy every port is STRICT');
  t.equal(store.meshCounts('meshModeWorkloads').total, 3);
});
