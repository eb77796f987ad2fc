import t from 'tap';
import { mg301 } from '../../../src/rules/mg301-plaintext-to-strict.js';
import { mg302 } from '../../../src/rules/mg302-istio-mutual-to-plaintext.js';
import { deployment, istio, namespace, review, service, view } from '../../helpers/cluster.js';
import { lines } from '../../helpers/rules.js';

const world = [
  namespace('prod'),
  namespace('legacy', {}),
  deployment('prod', 'reviews', { ports: [9080, 9443], labels: { version: 'v1' } }),
  service('prod', 'reviews', [{ name: 'http', port: 80, targetPort: 9080 }, { name: 'tcp-admin', port: 9443 }]),
  deployment('legacy', 'billing'),
  service('legacy', 'billing', [{ name: 'http', port: 8080 }]),
];
const pa = (ns: string, name: string, spec: object) => istio('PeerAuthentication', ns, name, spec, '2024-01-01T00:00:00Z');
const dr = (ns: string, host: string, trafficPolicy: object, extra: object = {}) =>
  istio('DestinationRule', ns, 'default', { host, trafficPolicy, ...extra });

t.test('MG302 denies ISTIO_MUTUAL to a workload whose PeerAuthentication is DISABLE', async (t) => {
  const cluster = view([...world, pa('prod', 'default', { mtls: { mode: 'DISABLE' } })]);
  const findings = review(mg302, dr('prod', 'reviews', { tls: { mode: 'ISTIO_MUTUAL' } }), { view: cluster });
  t.same(lines(findings), [
    '[MG302] deny spec.trafficPolicy.tls.mode: ISTIO_MUTUAL makes the client sidecars send Istio mutual TLS to reviews, but ' +
      'Deployment/reviews in prod (port 9080) is DISABLE (PeerAuthentication prod/default, namespace-wide), ' +
      'Deployment/reviews in prod (port 9443) is DISABLE (PeerAuthentication prod/default, namespace-wide), so nothing on the server side ' +
      'terminates that TLS and every request through this rule fails with 503 (upstream connect error or disconnect/reset before headers). ' +
      "Remove this tls block so that Istio's auto mTLS follows the server's mode, or set the PeerAuthentication for that port to PERMISSIVE.",
  ]);
});

t.test('MG302 admits ISTIO_MUTUAL to a PERMISSIVE or STRICT workload', async (t) => {
  for (const mode of ['PERMISSIVE', 'STRICT']) {
    const cluster = view([...world, pa('prod', 'default', { mtls: { mode } })]);
    t.same(review(mg302, dr('prod', 'reviews.prod.svc.cluster.local', { tls: { mode: 'ISTIO_MUTUAL' } }), { view: cluster }), [], mode);
  }
});

t.test('MG302 denies ISTIO_MUTUAL to pods without a sidecar, from another namespace', async (t) => {
  const findings = review(mg302, dr('prod', 'billing.legacy.svc.cluster.local', { tls: { mode: 'ISTIO_MUTUAL' } }), { view: view(world) });
  t.same(lines(findings), [
    '[MG302] deny spec.trafficPolicy.tls.mode: ISTIO_MUTUAL makes the client sidecars send Istio mutual TLS to billing.legacy.svc.cluster.local, ' +
      'but Deployment/billing in legacy (port 8080) has no sidecar, so nothing on the server side terminates that TLS and every request ' +
      'through this rule fails with 503 (upstream connect error or disconnect/reset before headers). ' +
      "Inject the sidecar into those pods, or remove this tls block so that Istio's auto mTLS sends plaintext to pods without one.",
  ]);
});

t.test('MG302 follows port-level settings: only the Service port whose container port is DISABLE', async (t) => {
  const cluster = view([
    ...world,
    pa('prod', 'reviews', { selector: { matchLabels: { app: 'reviews' } }, mtls: { mode: 'STRICT' }, portLevelMtls: { '9080': { mode: 'DISABLE' } } }),
  ]);
  const portLevel = dr('prod', 'reviews', { tls: { mode: 'ISTIO_MUTUAL' }, portLevelSettings: [{ port: { number: 80 }, tls: { mode: 'DISABLE' } }] });
  t.same(review(mg302, portLevel, { view: cluster }), [], 'port 80 (to 9080) sends plaintext; 9443 is STRICT and gets ISTIO_MUTUAL');
  const findings = review(mg302, dr('prod', 'reviews', { portLevelSettings: [{ port: { number: 80 }, tls: { mode: 'ISTIO_MUTUAL' } }] }), { view: cluster });
  t.same(findings.map((f) => f.path), ['spec.trafficPolicy.portLevelSettings[0].tls.mode']);
  t.match(findings[0]!.message, /to reviews for port 80, but Deployment\/reviews in prod \(port 9080\) is DISABLE \(PeerAuthentication prod\/reviews, portLevelMtls\)/);
});

t.test('MG302 judges a subset against the subset\'s workloads only', async (t) => {
  const cluster = view([...world, deployment('prod', 'reviews-v2', { ports: [9080], labels: { app: 'reviews', version: 'v2' } }), pa('prod', 'v2', {
    selector: { matchLabels: { version: 'v2' } },
    mtls: { mode: 'DISABLE' },
  })]);
  const subsets = (name: string) => ({ subsets: [{ name, labels: { version: name }, trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } }] });
  t.same(review(mg302, dr('prod', 'reviews', {}, subsets('v1')), { view: cluster }), [], 'subset v1 is PERMISSIVE');
  const findings = review(mg302, dr('prod', 'reviews', {}, subsets('v2')), { view: cluster });
  t.same(findings.map((f) => f.path), ['spec.subsets[0].trafficPolicy.tls.mode']);
  t.match(findings[0]!.message, /to reviews of subset v2, but Deployment\/reviews-v2 in prod \(port 9080\) is DISABLE/);
});

t.test('MG301 denies tls.mode DISABLE to a STRICT workload, naming the PeerAuthentication', async (t) => {
  const cluster = view([...world, pa('istio-system', 'default', { mtls: { mode: 'STRICT' } })]);
  const findings = review(mg301, dr('prod', 'reviews', { portLevelSettings: [{ port: { number: 80 }, tls: { mode: 'DISABLE' } }] }), { view: cluster });
  t.same(lines(findings), [
    '[MG301] deny spec.trafficPolicy.portLevelSettings[0].tls.mode: DISABLE makes the client sidecars send plaintext to reviews for port 80, ' +
      'but Deployment/reviews in prod (port 9080) is STRICT (PeerAuthentication istio-system/default, mesh-wide), so the server sidecar ' +
      'rejects every plaintext connection: callers see connection resets (503 for HTTP). Remove this tls block (Istio\'s auto mTLS then ' +
      'sends mutual TLS) or set mode: ISTIO_MUTUAL; if plaintext callers must reach the port, make it PERMISSIVE first.',
  ]);
});

t.test('MG301 admits DISABLE to a PERMISSIVE workload and to pods without a sidecar', async (t) => {
  const cluster = view([...world, pa('prod', 'default', { mtls: { mode: 'PERMISSIVE' } }), pa('istio-system', 'default', { mtls: { mode: 'STRICT' } })]);
  t.same(review(mg301, dr('prod', 'reviews', { tls: { mode: 'DISABLE' } }), { view: cluster }), [], 'PERMISSIVE accepts plaintext');
  t.same(review(mg301, dr('prod', 'billing.legacy.svc.cluster.local', { tls: { mode: 'DISABLE' } }), { view: cluster }), [], 'no sidecar: plaintext is what it speaks');
});

t.test('MG301 and MG302 say nothing about a host that names no Service the view knows', async (t) => {
  const cluster = view([...world, pa('prod', 'default', { mtls: { mode: 'DISABLE' } })]);
  t.same(review(mg302, dr('prod', 'api.example.com', { tls: { mode: 'ISTIO_MUTUAL' } }), { view: cluster }), []);
  t.same(review(mg301, dr('prod', 'reviews.prod', { tls: { mode: 'DISABLE' } }), { view: cluster }), []);
});
