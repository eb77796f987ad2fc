import t from 'tap';
import { manifestViewFromYaml } from '../../src/cluster/manifest-view.js';

const cluster = `
apiVersion: v1
kind: Namespace
metadata: { name: shop, labels: { istio-injection: enabled } }
---
apiVersion: v1
kind: Service
metadata: { name: cart, namespace: shop }
spec: { selector: { app: cart }, ports: [{ name: http, port: 80, targetPort: 8080 }] }
---
apiVersion: v1
kind: Service
metadata: { name: db, namespace: shop }
spec: { selector: { app: db }, ports: [{ name: tcp, port: 5432 }] }
---
apiVersion: v1
kind: Service
metadata: { name: cart, namespace: other }
spec: { selector: { app: cart }, ports: [{ port: 80 }] }
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: cart-short, namespace: shop, creationTimestamp: "2024-01-02T00:00:00Z" }
spec: { host: cart, trafficPolicy: { tls: { mode: ISTIO_MUTUAL } } }
---
apiVersion: networking.istio.io/v1beta1
kind: DestinationRule
metadata: { name: cart-fqdn, namespace: shop, creationTimestamp: "2024-01-01T00:00:00Z" }
spec: { host: cart.shop.svc.cluster.local, exportTo: ["."] }
---
apiVersion: networking.istio.io/v1alpha3
kind: DestinationRule
metadata: { name: shop-wide, namespace: shop }
spec: { host: "*.shop.svc.cluster.local", exportTo: ["*"] }
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: mesh-wide, namespace: istio-system }
spec: { host: "*.local", trafficPolicy: { tls: { mode: ISTIO_MUTUAL } } }
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: client-side, namespace: web }
spec: { host: cart.shop.svc.cluster.local, exportTo: ["."] }
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: dotted, namespace: web }
spec: { host: cart.shop }
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: elsewhere, namespace: tools }
spec: { host: cart.shop.svc.cluster.local, exportTo: ["web", "shop"] }
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: hidden, namespace: tools }
spec: { host: cart.shop.svc.cluster.local, exportTo: ["~"] }
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: { name: cart-ingress, namespace: shop }
spec: { workloadSelector: { labels: { app: cart } }, ingress: [{ port: { number: 8443, protocol: HTTPS, name: https }, defaultEndpoint: "127.0.0.1:8080" }] }
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: { name: default, namespace: shop }
spec: { egress: [{ hosts: ["./*"] }] }
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: cart-allow, namespace: shop }
spec: { selector: { matchLabels: { app: cart, tier: web } }, action: ALLOW }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: cart, namespace: shop }
spec: { template: { metadata: { labels: { app: cart, tier: web } }, spec: { containers: [{ name: app }] } } }
`;

const view = manifestViewFromYaml(cluster);
const names = (list: ReadonlyArray<{ name: string; namespace: string }>) => list.map((o) => `${o.namespace}/${o.name}`);

t.test('servicesForHost resolves like Istio: short names are relative, dotted names are taken as written', async (t) => {
  t.same(names(view.servicesForHost('cart', 'shop')), ['shop/cart']);
  t.same(names(view.servicesForHost('cart', 'other')), ['other/cart']);
  t.same(names(view.servicesForHost('cart.shop.svc.cluster.local', 'other')), ['shop/cart']);
  t.same(names(view.servicesForHost('cart.shop', 'other')), [], 'Istio does not expand name.namespace');
  t.same(names(view.servicesForHost('*.shop.svc.cluster.local', 'other')), ['shop/cart', 'shop/db']);
  t.same(names(view.servicesForHost('*.cluster.local', 'other')).sort(), ['other/cart', 'shop/cart', 'shop/db']);
  t.same(names(view.servicesForHost('*', 'x')).length, 3);
  t.same(names(view.servicesForHost('*.example.com', 'x')), []);
  t.same(names(view.servicesForHost('ghost', 'shop')), []);
});

t.test('destinationRulesForHost: visible rules in Istio lookup order (caller ns, host ns, root ns, others)', async (t) => {
  const host = 'cart.shop.svc.cluster.local';
  t.same(names(view.destinationRulesForHost(host, 'shop')), ['shop/cart-fqdn', 'shop/cart-short', 'shop/shop-wide', 'istio-system/mesh-wide', 'tools/elsewhere'],
    'exact hosts oldest first, then the longer wildcard; exportTo "." is visible in its own namespace');
  t.same(names(view.destinationRulesForHost(host, 'web')), ['web/client-side', 'shop/cart-short', 'shop/shop-wide', 'istio-system/mesh-wide', 'tools/elsewhere'],
    'exportTo "." hides cart-fqdn from web; `cart.shop` is not a short name and matches nothing; "~" hides a rule everywhere');
  t.same(names(view.destinationRulesForHost(host, 'batch')), ['shop/cart-short', 'shop/shop-wide', 'istio-system/mesh-wide']);
  t.same(names(view.destinationRulesForHost('db.shop.svc.cluster.local', 'batch')), ['shop/shop-wide', 'istio-system/mesh-wide']);
  t.same(names(view.destinationRulesForHost('api.example.com', 'batch')), []);
});

t.test('effectiveDestinationRules: the first consulted namespace, its most specific host, merged oldest first', async (t) => {
  const host = 'cart.shop.svc.cluster.local';
  t.same(names(view.effectiveDestinationRules(host, 'shop')), ['shop/cart-fqdn', 'shop/cart-short']);
  t.same(names(view.effectiveDestinationRules(host, 'web')), ['web/client-side'], 'a rule in the caller namespace shadows the service namespace');
  t.same(names(view.effectiveDestinationRules('db.shop.svc.cluster.local', 'batch')), ['shop/shop-wide']);
  t.same(names(view.effectiveDestinationRules('x.other.svc.cluster.local', 'batch')), ['istio-system/mesh-wide']);
  t.same(names(view.effectiveDestinationRules('api.example.com', 'batch')), []);
});

t.test('withChange on a DestinationRule: added, replaced and removed rules change the answer', async (t) => {
  const host = 'cart.shop.svc.cluster.local';
  const added = view.withChange({
    type: 'upsert',
    object: { kind: 'DestinationRule', namespace: 'batch', name: 'mine', annotations: {}, spec: { host: 'cart.shop.svc.cluster.local' } },
  });
  t.same(names(added.effectiveDestinationRules(host, 'batch')), ['batch/mine']);
  t.same(names(added.destinationRulesForHost(host, 'shop')).includes('batch/mine'), true, 'default exportTo is everywhere');
  const removed = view.withChange({ type: 'delete', kind: 'DestinationRule', namespace: 'shop', name: 'cart-short' });
  t.same(names(removed.effectiveDestinationRules(host, 'batch')), ['shop/shop-wide']);
  const unrelated = view.withChange({ type: 'delete', kind: 'Sidecar', namespace: 'shop', name: 'default' });
  t.same(names(unrelated.destinationRulesForHost(host, 'batch')), names(view.destinationRulesForHost(host, 'batch')));
});

t.test('selecting: Sidecars and AuthorizationPolicies whose selector matches every label of the workload', async (t) => {
  const [cart] = view.workloads('shop', { app: 'cart' });
  t.same(names(view.selecting('Sidecar', cart!)), ['shop/cart-ingress'], 'the selectorless default Sidecar is namespace-wide, not listed');
  t.same(names(view.selecting('AuthorizationPolicy', cart!)), ['shop/cart-allow']);
  t.same(names(view.policies('Sidecar', 'shop')), ['shop/cart-ingress', 'shop/default']);
  t.same(view.selecting('RequestAuthentication', cart!), []);
  const narrowed = view.withChange({
    type: 'upsert',
    object: { kind: 'AuthorizationPolicy', namespace: 'shop', name: 'cart-allow', annotations: {}, spec: { selector: { matchLabels: { app: 'cart', tier: 'db' } } } },
  });
  t.same(narrowed.selecting('AuthorizationPolicy', cart!), [], 'the updated selector no longer matches');
});
