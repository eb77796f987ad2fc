import t from 'tap';
import { buildManifestView, manifestViewFromYaml } from '../../src/cluster/manifest-view.js';

const cluster = `
apiVersion: v1
kind: Namespace
metadata: { name: shop, labels: { istio-injection: enabled } }
---
apiVersion: v1
kind: Namespace
metadata: { name: legacy }
---
apiVersion: v1
kind: Namespace
metadata: { name: canary, labels: { istio.io/rev: 1-24 } }
---
apiVersion: v1
kind: Namespace
metadata: { name: off, labels: { istio-injection: disabled } }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: cart, namespace: shop }
spec:
  replicas: 3
  selector: { matchLabels: { app: cart } }
  template:
    metadata: { labels: { app: cart, version: v1 } }
    spec:
      serviceAccountName: cart
      containers:
        - name: app
          image: cart:1
          env: [{ name: SECRET_TOKEN, value: hunter2 }]
          ports: [{ containerPort: 8080, name: http }, { containerPort: 9090 }]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: db, namespace: shop }
spec:
  replicas: 2
  template:
    metadata: { labels: { app: db }, annotations: { sidecar.istio.io/inject: "false" } }
    spec: { containers: [{ name: postgres, ports: [{ containerPort: 5432 }] }] }
---
apiVersion: v1
kind: Pod
metadata: { name: old-client, namespace: legacy, labels: { app: client } }
spec: { containers: [{ name: curl }] }
---
apiVersion: batch/v1
kind: CronJob
metadata: { name: report, namespace: canary }
spec: { schedule: "@daily", jobTemplate: { spec: { template: { metadata: { labels: { app: report } }, spec: { containers: [{ name: r }] } } } } }
---
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: agent, namespace: off }
spec: { template: { metadata: { labels: { app: agent, sidecar.istio.io/inject: "true" } }, spec: { containers: [{ name: a }] } } }
---
apiVersion: v1
kind: Service
metadata: { name: cart, namespace: shop }
spec:
  selector: { app: cart }
  ports:
    - { name: http-web, port: 80, targetPort: 8080 }
    - { name: grpc-web-api, port: 81, targetPort: 8081 }
    - { name: metrics, port: 9090 }
    - { name: db, port: 3306, appProtocol: mysql }
    - { name: dns, port: 53, protocol: UDP }
    - { name: h2, port: 82, appProtocol: kubernetes.io/h2c }
    - { name: tls-in, port: 443, targetPort: https }
---
apiVersion: v1
kind: Service
metadata: { name: external, namespace: shop }
spec: { type: ExternalName, externalName: example.com }
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: cart, namespace: shop }
---
kind: ConfigMap
apiVersion: v1
metadata: { name: ignored, namespace: shop }
`;

t.test('manifest view: pod templates become workloads with replicas, labels, ports and service account', async (t) => {
  const view = manifestViewFromYaml(cluster);
  t.equal(view.synced, true);
  t.same(view.skipped, []);
  const [cart] = view.workloads('shop', { app: 'cart' });
  t.same(cart, {
    namespace: 'shop',
    ref: 'Deployment/cart',
    labels: { app: 'cart', version: 'v1' },
    annotations: {},
    serviceAccount: 'cart',
    sidecar: true,
    containerPorts: [{ port: 8080, name: 'http' }, { port: 9090 }],
    pods: 3,
  });
  t.same(view.workloads('shop').map((w) => w.ref).sort(), ['Deployment/cart', 'StatefulSet/db']);
  t.same(view.workloads('shop', { app: 'cart', version: 'v2' }), [], 'every selector label must match');
  t.same(view.workloads('nowhere'), []);
  t.equal([...view.allWorkloads()].length, 5);
});

t.test('manifest view: sidecar injection follows namespace labels, pod labels and annotations like Istio', async (t) => {
  const view = manifestViewFromYaml(cluster);
  const sidecar = (namespace: string, app: string) => view.workloads(namespace, { app })[0]?.sidecar;
  t.equal(sidecar('shop', 'cart'), true, 'istio-injection=enabled injects');
  t.equal(sidecar('shop', 'db'), false, 'the sidecar.istio.io/inject: "false" annotation opts out');
  t.equal(sidecar('legacy', 'client'), false, 'no label anywhere: no sidecar');
  t.equal(sidecar('canary', 'report'), true, 'istio.io/rev on the namespace injects');
  t.equal(sidecar('off', 'agent'), false, 'istio-injection=disabled wins over the pod label inject=true');
  t.same(view.podCounts('shop'), { meshed: 3, unmeshed: 2 });
  t.same(view.podCounts('legacy'), { meshed: 0, unmeshed: 1 });
  t.same(view.podCounts('nowhere'), { meshed: 0, unmeshed: 0 });
});

t.test('manifest view: a pod that already carries istio-proxy has a sidecar even in an unlabelled namespace', async (t) => {
  const view = buildManifestView([
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'x' }, spec: { containers: [{ name: 'app' }, { name: 'istio-proxy' }] } as never },
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'n', namespace: 'x' }, spec: { initContainers: [{ name: 'istio-proxy' }], containers: [{ name: 'app' }] } as never },
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'h', namespace: 'x', labels: { 'sidecar.istio.io/inject': 'true' } }, spec: { hostNetwork: true, containers: [{ name: 'app' }] } as never },
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'l', namespace: 'x', labels: { 'sidecar.istio.io/inject': 'true' } }, spec: { containers: [{ name: 'app' }] } as never },
  ]);
  t.same(
    view.workloads('x').map((w) => [w.ref, w.sidecar]),
    [['Pod/p', true], ['Pod/n', true], ['Pod/h', false], ['Pod/l', true]],
    'native sidecar in initContainers counts; hostNetwork is never injected; the pod label inject=true reaches the injector',
  );
});

t.test('manifest view: Service ports get Istio protocols from appProtocol, name prefix or well-known port', async (t) => {
  const view = manifestViewFromYaml(cluster);
  const cart = view.service('shop', 'cart');
  t.same(
    cart?.ports.map((p) => [p.name, p.port, p.targetPort, p.protocol, p.istioProtocol]),
    [
      ['http-web', 80, 8080, 'http', 'HTTP'],
      ['grpc-web-api', 81, 8081, 'http', 'GRPC-Web'],
      ['metrics', 9090, 9090, 'unknown', 'unknown'],
      ['db', 3306, 3306, 'tcp', 'MySQL'],
      ['dns', 53, 53, 'unknown', 'UDP'],
      ['h2', 82, 82, 'http', 'HTTP2'],
      ['tls-in', 443, 'https', 'tls', 'TLS'],
    ],
  );
  t.same(view.service('shop', 'external')?.selector, undefined);
  t.equal(view.service('shop', 'nope'), undefined);
});

t.test('manifest view: Services selecting a workload, and none for a selectorless Service', async (t) => {
  const view = manifestViewFromYaml(cluster);
  const [cart] = view.workloads('shop', { app: 'cart' });
  t.same(view.servicesSelecting(cart!).map((s) => s.name), ['cart']);
  const [db] = view.workloads('shop', { app: 'db' });
  t.same(view.servicesSelecting(db!), []);
});

t.test('manifest view: namespaces and service accounts (default exists only where its namespace does)', async (t) => {
  const view = manifestViewFromYaml(cluster);
  t.same([...view.namespaces()].map((n) => n.name), ['shop', 'legacy', 'canary', 'off']);
  t.same(view.namespace('shop')?.labels, { 'istio-injection': 'enabled' });
  t.equal(view.serviceAccountExists('shop', 'cart'), true);
  t.equal(view.serviceAccountExists('shop', 'default'), true);
  t.equal(view.serviceAccountExists('nowhere', 'default'), false);
  t.equal(view.serviceAccountExists('shop', 'ghost'), false);
});

t.test('manifest view: List documents are expanded, objects without namespace go to the default namespace', async (t) => {
  const view = buildManifestView(
    [
      {
        apiVersion: 'v1',
        kind: 'List',
        items: [{ apiVersion: 'v1', kind: 'ServiceList', items: [{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'a' }, spec: { selector: { app: 'a' } } }] }],
      } as never,
    ],
    { defaultNamespace: 'team' },
  );
  t.equal(view.service('team', 'a')?.name, 'a');
});

t.test('manifest view: unreadable documents are skipped and reported, never thrown', async (t) => {
  const view = buildManifestView([
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bad' }, spec: { containers: 'app' } as never },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc', labels: { a: 1 } as never }, spec: {} },
    { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'pa', namespace: 'x' }, spec: { mtls: { mode: 'SOMETIMES' } } },
    'not an object' as never,
    { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication' },
  ]);
  t.same(
    view.skipped.map((s) => [s.index, s.kind, s.name]),
    [
      [0, 'Pod', 'bad'],
      [1, 'Service', 'svc'],
      [2, 'PeerAuthentication', 'pa'],
      [3, 'PeerAuthentication', ''],
    ],
  );
  t.match(view.skipped[0]!.reason, /spec\.containers must be array/);
  t.match(view.skipped[2]!.reason, /spec\.mtls\.mode/);
  t.same([...view.allWorkloads()], []);
});

t.test('manifest view: the input objects are left untouched', async (t) => {
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'x', managedFields: [{}] }, spec: { containers: [{ name: 'a', image: 'i' }] }, status: { phase: 'Running' } };
  const copy = structuredClone(pod);
  buildManifestView([pod as never]);
  t.same(pod, copy);
});

t.test('manifestViewFromYaml rejects invalid YAML with the parser message', async (t) => {
  t.throws(() => manifestViewFromYaml('a: [1, 2'), /invalid YAML/);
});

t.test('manifest view can be built unsynced, for tests of the skip path', async (t) => {
  t.equal(buildManifestView([], { synced: false }).synced, false);
});
