import t from 'tap';
import { buildManifestView } from '../../src/cluster/manifest-view.js';
import type { WorkloadInfo } from '../../src/cluster/model.js';
import type { ClusterView } from '../../src/cluster/view.js';
import type { KubeObject } from '../../src/k8s/types.js';

function pa(namespace: string, name: string, spec: object, creationTimestamp?: string): KubeObject {
  return { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name, namespace, creationTimestamp }, spec };
}

const pod = (namespace: string, name: string, labels: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace, labels },
  spec: { containers: [{ name: 'app', ports: [{ containerPort: 8080 }] }] },
});

const workload = (view: ClusterView, namespace: string, name: string): WorkloadInfo => view.workloads(namespace).find((w) => w.ref === `Pod/${name}`)!;

t.test('effective mTLS: nothing at all is PERMISSIVE, decided by no policy', async (t) => {
  const view = buildManifestView([pod('shop', 'cart', { app: 'cart' })]);
  t.same(view.effectiveMtls(workload(view, 'shop', 'cart'), 8080), { mode: 'PERMISSIVE' });
});

t.test('effective mTLS: mesh, namespace, workload and port levels override in that order', async (t) => {
  const objects = [
    pod('shop', 'cart', { app: 'cart' }),
    pa('istio-system', 'mesh', { mtls: { mode: 'STRICT' } }),
    pa('shop', 'ns', { mtls: { mode: 'PERMISSIVE' } }),
    pa('shop', 'cart', { selector: { matchLabels: { app: 'cart' } }, mtls: { mode: 'STRICT' }, portLevelMtls: { '8080': { mode: 'DISABLE' } } }),
  ];
  const view = buildManifestView(objects);
  const cart = workload(view, 'shop', 'cart');
  t.same(view.effectiveMtls(cart, 8080), { mode: 'DISABLE', decidedBy: { namespace: 'shop', name: 'cart', scope: 'port' } });
  t.same(view.effectiveMtls(cart, 9090), { mode: 'STRICT', decidedBy: { namespace: 'shop', name: 'cart', scope: 'workload' } });
  const withoutWorkload = buildManifestView(objects.slice(0, 3));
  t.same(withoutWorkload.effectiveMtls(workload(withoutWorkload, 'shop', 'cart'), 8080), { mode: 'PERMISSIVE', decidedBy: { namespace: 'shop', name: 'ns', scope: 'namespace' } });
  const meshOnly = buildManifestView(objects.slice(0, 2));
  t.same(meshOnly.effectiveMtls(workload(meshOnly, 'shop', 'cart'), 8080), { mode: 'STRICT', decidedBy: { namespace: 'istio-system', name: 'mesh', scope: 'mesh' } });
});

t.test('effective mTLS: UNSET inherits at every level, a port-level UNSET inherits the workload level', async (t) => {
  const view = buildManifestView([
    pod('shop', 'cart', { app: 'cart' }),
    pa('istio-system', 'mesh', { mtls: { mode: 'STRICT' } }),
    pa('shop', 'ns', { mtls: { mode: 'UNSET' } }),
    pa('shop', 'cart', { selector: { matchLabels: { app: 'cart' } }, portLevelMtls: { '8080': { mode: 'UNSET' } } }),
  ]);
  t.same(view.effectiveMtls(workload(view, 'shop', 'cart'), 8080), { mode: 'STRICT', decidedBy: { namespace: 'istio-system', name: 'mesh', scope: 'mesh' } });
});

t.test('effective mTLS: the oldest policy wins at each level; same second, the name decides', async (t) => {
  const view = buildManifestView([
    pod('shop', 'cart', { app: 'cart' }),
    pa('shop', 'b-newer', { mtls: { mode: 'DISABLE' } }, '2024-05-02T00:00:00Z'),
    pa('shop', 'z-older', { mtls: { mode: 'STRICT' } }, '2024-05-01T00:00:00Z'),
    pa('shop', 'w2', { selector: { matchLabels: { app: 'cart' } }, mtls: { mode: 'DISABLE' } }, '2024-05-03T00:00:00Z'),
    pa('shop', 'w1', { selector: { matchLabels: { app: 'cart' } }, mtls: { mode: 'PERMISSIVE' } }, '2024-05-03T00:00:00Z'),
  ]);
  const cart = workload(view, 'shop', 'cart');
  t.same(view.policies('PeerAuthentication', 'shop').map((p) => p.name), ['z-older', 'b-newer', 'w1', 'w2']);
  t.same(view.selecting('PeerAuthentication', cart).map((p) => p.name), ['w1', 'w2']);
  t.same(view.effectiveMtls(cart, 8080), { mode: 'PERMISSIVE', decidedBy: { namespace: 'shop', name: 'w1', scope: 'workload' } });
});

t.test('effective mTLS: a selector policy in the root namespace is ignored, even for root-namespace workloads', async (t) => {
  const view = buildManifestView([
    pod('istio-system', 'gw', { app: 'gw' }),
    pod('shop', 'cart', { app: 'gw' }),
    pa('istio-system', 'gw-disable', { selector: { matchLabels: { app: 'gw' } }, mtls: { mode: 'DISABLE' } }),
    pa('istio-system', 'mesh', { mtls: { mode: 'STRICT' } }),
  ]);
  const expected = { mode: 'STRICT', decidedBy: { namespace: 'istio-system', name: 'mesh', scope: 'mesh' } };
  t.same(view.effectiveMtls(workload(view, 'istio-system', 'gw'), 8080), expected);
  t.same(view.effectiveMtls(workload(view, 'shop', 'cart'), 8080), expected);
});

t.test('effective mTLS: an empty matchLabels is namespace-wide, and a mesh-wide root policy honours the configured root', async (t) => {
  const view = buildManifestView(
    [pod('shop', 'cart', { app: 'cart' }), pa('mesh-root', 'mesh', { mtls: { mode: 'STRICT' } }), pa('shop', 'empty', { selector: { matchLabels: {} }, mtls: { mode: 'DISABLE' } })],
    { rootNamespace: 'mesh-root' },
  );
  const cart = workload(view, 'shop', 'cart');
  t.same(view.selecting('PeerAuthentication', cart), []);
  t.same(view.effectiveMtls(cart, 8080), { mode: 'DISABLE', decidedBy: { namespace: 'shop', name: 'empty', scope: 'namespace' } });
});

t.test('withChange: the effective mode reflects the object under review, created, updated or deleted', async (t) => {
  const view = buildManifestView([
    pod('shop', 'cart', { app: 'cart' }),
    pa('istio-system', 'mesh', { mtls: { mode: 'STRICT' } }, '2024-01-01T00:00:00Z'),
    pa('shop', 'ns', { mtls: { mode: 'PERMISSIVE' } }, '2024-01-02T00:00:00Z'),
  ]);
  const cart = workload(view, 'shop', 'cart');
  const disable = {
    kind: 'PeerAuthentication' as const,
    namespace: 'shop',
    name: 'cart-off',
    annotations: {},
    spec: { selector: { matchLabels: { app: 'cart' } }, mtls: { mode: 'DISABLE' as const } },
  };
  const created = view.withChange({ type: 'upsert', object: disable });
  t.same(created.effectiveMtls(cart, 8080), { mode: 'DISABLE', decidedBy: { namespace: 'shop', name: 'cart-off', scope: 'workload' } });
  t.same(view.effectiveMtls(cart, 8080).mode, 'PERMISSIVE', 'the base view is not changed');

  const updated = view.withChange({ type: 'upsert', object: { ...disable, name: 'ns', spec: { mtls: { mode: 'STRICT' } }, creationTimestamp: '2024-01-02T00:00:00Z' } });
  t.same(updated.policies('PeerAuthentication', 'shop').map((p) => p.spec.mtls?.mode), ['STRICT'], 'an update replaces the stored object');
  t.same(updated.effectiveMtls(cart, 8080), { mode: 'STRICT', decidedBy: { namespace: 'shop', name: 'ns', scope: 'namespace' } });

  const deleted = view.withChange({ type: 'delete', kind: 'PeerAuthentication', namespace: 'istio-system', name: 'mesh' });
  t.same(deleted.policies('PeerAuthentication', 'istio-system'), []);
  t.same(deleted.withChange({ type: 'delete', kind: 'PeerAuthentication', namespace: 'shop', name: 'ns' }).effectiveMtls(cart, 8080), { mode: 'PERMISSIVE' });

  const newest = view.withChange({ type: 'upsert', object: { ...disable, name: 'a-new', spec: { mtls: { mode: 'DISABLE' } } } });
  t.same(newest.policies('PeerAuthentication', 'shop').map((p) => p.name), ['ns', 'a-new'], 'an object not yet created sorts as the newest');
  t.equal(newest.effectiveMtls(cart, 8080).mode, 'PERMISSIVE', 'so the older namespace policy still wins');
});
