import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import t, { type Test } from 'tap';
import { createLiveView, type LiveView } from '../../src/cluster/live-view.js';
import { watchedResources } from '../../src/cluster/resources.js';
import type { KubeObject } from '../../src/k8s/types.js';
import { createLogger } from '../../src/server/logger.js';
import { startFakeApiServer, type FakeApiServer } from '../helpers/fake-apiserver.js';

const namespace = (name: string, labels: Record<string, string> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });

const pod = (name: string, labels: Record<string, string>, extra: { sidecar?: boolean; phase?: string } = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'shop', labels, managedFields: [{ manager: 'kubelet' }] } as KubeObject['metadata'],
  spec: {
    serviceAccountName: 'cart',
    containers: [
      { name: 'app', image: 'cart:1', env: [{ name: 'DB_PASSWORD', value: 'hunter2' }], ports: [{ containerPort: 8080, name: 'http' }] },
      ...(extra.sidecar === false ? [] : [{ name: 'istio-proxy', image: 'proxyv2' }]),
    ],
  },
  status: { phase: extra.phase ?? 'Running', podIP: '10.0.0.1' },
} as KubeObject);

const seed: KubeObject[] = [
  namespace('shop', { 'istio-injection': 'enabled' }),
  namespace('istio-system'),
  pod('cart-1', { app: 'cart' }),
  pod('cart-2', { app: 'cart' }),
  pod('legacy', { app: 'legacy' }, { sidecar: false }),
  { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'cart', namespace: 'shop' } },
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'cart', namespace: 'shop' }, spec: { selector: { app: 'cart' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } },
  { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'mesh', namespace: 'istio-system', creationTimestamp: '2024-01-01T00:00:00Z' }, spec: { mtls: { mode: 'STRICT' } } },
  { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'allow', namespace: 'shop' }, spec: { selector: { matchLabels: { app: 'cart' } } } },
  { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'cart', namespace: 'shop' }, spec: { host: 'cart' } },
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'istiod', namespace: 'istio-system', labels: { app: 'istiod' } },
    spec: { template: { spec: { containers: [{ name: 'discovery', env: [{ name: 'ENABLE_TLS_ON_SIDECAR_INGRESS', value: 'true' }] }] } } },
  } as KubeObject,
  { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'other', namespace: 'istio-system', labels: { app: 'other' } }, spec: { template: { spec: { containers: [] } } } } as KubeObject,
];

interface Harness {
  server: FakeApiServer;
  live: LiveView;
  registry: Registry;
  logs: string[];
}

async function startHarness(t: Test, prepare: (server: FakeApiServer) => void = () => undefined): Promise<Harness> {
  const server = await startFakeApiServer();
  for (const object of seed) server.apply(object);
  prepare(server);
  const registry = new Registry();
  const logs: string[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _e, done) => (logs.push(chunk.toString()), done()) });
  const live = createLiveView({
    kubeConfig: server.kubeConfig(),
    rootNamespace: 'istio-system',
    logger: createLogger('info', sink),
    registry,
    backoff: { initialMs: 5, maxMs: 50 },
    pageSize: 2,
  });
  live.start();
  t.teardown(async () => {
    await live.stop();
    await server.close();
  });
  return { server, live, registry, logs };
}

/** Polls until `condition` holds; the tap timeout bounds a view that never converges. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

/** One watch per resource the live view reads. */
const RESOURCES = watchedResources('istio-system').length;

const podNames = (live: LiveView) => live.view.workloads('shop').map((w) => w.ref).sort();

async function metric(registry: Registry, name: string): Promise<string> {
  return registry.getSingleMetricAsString(name);
}

t.test('live view lists every resource page by page, syncs, and answers from the caches', async (t) => {
  const { server, live, registry } = await startHarness(t);
  t.equal(live.view.synced, false);
  await until(() => live.view.synced);
  t.same(live.readiness(), { ready: true });
  t.same(podNames(live), ['Pod/cart-1', 'Pod/cart-2', 'Pod/legacy']);
  const cart = live.view.workloads('shop', { app: 'cart' })[0]!;
  t.same(cart, {
    namespace: 'shop',
    ref: 'Pod/cart-1',
    labels: { app: 'cart' },
    annotations: {},
    serviceAccount: 'cart',
    sidecar: true,
    containerPorts: [{ port: 8080, name: 'http' }],
    pods: 1,
  });
  t.same(live.view.podCounts('shop'), { meshed: 2, unmeshed: 1 });
  t.same(live.view.servicesSelecting(cart).map((s) => s.name), ['cart']);
  t.equal(live.view.serviceAccountExists('shop', 'cart'), true);
  t.same(live.view.effectiveMtls(cart, 8080), { mode: 'STRICT', decidedBy: { namespace: 'istio-system', name: 'mesh', scope: 'mesh' } });
  t.same(live.view.effectiveDestinationRules('cart.shop.svc.cluster.local', 'shop').map((d) => d.name), ['cart']);
  t.same(live.view.selecting('AuthorizationPolicy', cart).map((p) => p.name), ['allow']);
  t.equal(live.view.tlsOnSidecarIngressEnabled(), true, 'read from the istiod Deployment (app=istiod) only');
  t.same(live.view.namespace('shop')?.labels, { 'istio-injection': 'enabled' });

  t.ok(server.requests.includes('GET /api/v1/pods?limit=2'), 'lists are paginated');
  t.ok(server.requests.some((r) => r.startsWith('GET /api/v1/pods?') && r.includes('continue=2') && r.includes('limit=2')), 'with the continue token');
  t.ok(server.requests.some((r) => r.startsWith('GET /apis/apps/v1/namespaces/istio-system/deployments?labelSelector=app%3Distiod')));
  t.ok(server.requests.some((r) => r.startsWith('GET /apis/security.istio.io/v1/authorizationpolicies?')));
  t.notOk(server.requests.some((r) => r.includes('secrets')), 'Secrets are never read');
  t.match(await metric(registry, 'meshguard_cache_synced'), /meshguard_cache_synced\{resource="pods"\} 1/);
});

t.test('live view keeps only the fields the rules read', async (t) => {
  const { live } = await startHarness(t);
  await until(() => live.view.synced);
  const text = JSON.stringify([...live.view.allWorkloads()]);
  t.notMatch(text, /hunter2|managedFields|podIP|image/);
});

t.test('live view converges on ADDED, MODIFIED and DELETED events', async (t) => {
  const { server, live } = await startHarness(t);
  await until(() => live.view.synced);
  server.apply(pod('cart-3', { app: 'cart' }));
  await until(() => podNames(live).includes('Pod/cart-3'));
  server.apply(pod('cart-3', { app: 'cart', version: 'v2' }));
  await until(() => live.view.workloads('shop', { version: 'v2' }).length === 1);
  t.same(live.view.workloads('shop', { app: 'cart' }).length, 3, 'the modified pod is not counted twice');
  server.remove(pod('cart-1', {}));
  server.apply(pod('cart-2', { app: 'cart' }, { phase: 'Succeeded' }));
  await until(() => podNames(live).length === 2);
  t.same(podNames(live), ['Pod/cart-3', 'Pod/legacy'], 'deleted and finished pods leave the view');
  server.apply({ apiVersion: 'security.istio.io/v1beta1', kind: 'PeerAuthentication', metadata: { name: 'ns', namespace: 'shop' }, spec: { mtls: { mode: 'DISABLE' } } });
  const cart3 = () => live.view.workloads('shop', { version: 'v2' })[0]!;
  await until(() => live.view.effectiveMtls(cart3(), 8080).mode === 'DISABLE');
  t.same(live.view.podCounts('shop'), { meshed: 1, unmeshed: 1 });
});

t.test('live view re-lists after 410 Gone and drops objects deleted while it was not watching', async (t) => {
  const { server, live, registry } = await startHarness(t);
  await until(() => live.view.synced && server.openWatches() === RESOURCES);
  server.remove(pod('cart-1', {}), { notify: false });
  server.apply(pod('cart-9', { app: 'cart' }), { notify: false });
  server.compact();
  await until(() => podNames(live).join() === 'Pod/cart-2,Pod/cart-9,Pod/legacy');
  t.pass('converged on the state the watch never reported');
  t.match(await metric(registry, 'meshguard_cache_relists_total'), /meshguard_cache_relists_total\{resource="pods"\} [1-9]/);
  t.same(live.readiness(), { ready: true }, 'a re-list does not make the pod unready');
});

t.test('live view resumes a dropped watch from its resourceVersion and recovers from a refused reconnect', async (t) => {
  const { server, live, registry } = await startHarness(t);
  await until(() => live.view.synced && server.openWatches() === RESOURCES);
  const before = server.requests.length;
  server.failRequests('/api/v1/pods', 503, 2);
  server.dropWatches();
  server.apply(pod('cart-7', { app: 'cart' }));
  await until(() => podNames(live).includes('Pod/cart-7'));
  const after = server.requests.slice(before).filter((r) => r.startsWith('GET /api/v1/pods'));
  t.ok(after.some((r) => /watch=true/.test(r) && /resourceVersion=\d+/.test(r)), 'the watch resumes from the last resourceVersion');
  t.match(await metric(registry, 'meshguard_cache_errors_total'), /meshguard_cache_errors_total\{resource="pods",phase="watch"\} [1-9]/);
});

t.test('readiness names the resources that have not synced and why, until they do', async (t) => {
  const { server, live, logs } = await startHarness(t, (server) => server.failRequests('/apis/security.istio.io/v1/peerauthentications', 403, 3));
  await until(() => live.readiness().reason?.startsWith('cluster caches not synced yet: peerauthentications (') === true);
  t.same(live.readiness(), {
    ready: false,
    reason: 'cluster caches not synced yet: peerauthentications (peerauthentications: list failed: HTTP 403: injected failure)',
  });
  t.equal(live.view.synced, false, 'cross-resource rules stay skipped meanwhile');
  await until(() => live.view.synced);
  t.same(live.readiness(), { ready: true });
  t.ok(logs.some((l) => l.includes('"resource":"peerauthentications"') && l.includes('retrying')), 'each failure is logged with its retry');
  t.notOk(logs.some((l) => l.includes('fake-token')), 'the bearer token is never logged');
  t.ok(server.requests.filter((r) => r.startsWith('GET /apis/security.istio.io/v1/peerauthentications?limit')).length >= 4);
});

t.test('stop() ends every watch', async (t) => {
  const { server, live } = await startHarness(t);
  await until(() => live.view.synced && server.openWatches() === RESOURCES);
  await live.stop();
  await until(() => server.openWatches() === 0);
  t.pass('no watch left open');
});
