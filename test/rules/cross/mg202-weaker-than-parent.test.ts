import t from 'tap';
import { mg202 } from '../../../src/rules/mg202-weaker-than-parent.js';
import { deployment, istio, namespace, review, view } from '../../helpers/cluster.js';
import { lines } from '../../helpers/rules.js';

const meshStrict = istio('PeerAuthentication', 'istio-system', 'default', { mtls: { mode: 'STRICT' } }, '2024-01-01T00:00:00Z');
const world = [namespace('legacy'), namespace('test'), deployment('legacy', 'billing'), deployment('test', 'httpbin', { ports: [9080, 9081] })];
const httpbinPolicy = (spec: object) => istio('PeerAuthentication', 'test', 'httpbin', { selector: { matchLabels: { app: 'httpbin' } }, ...spec });
const tls = { mode: 'SIMPLE', serverCertificate: '/etc/istio/tls-certs/tls.crt', privateKey: '/etc/istio/tls-certs/tls.key' };
const sidecarTls = istio('Sidecar', 'test', 'ingress-sidecar', {
  workloadSelector: { labels: { app: 'httpbin' } },
  ingress: [{ port: { number: 9080, protocol: 'HTTPS', name: 'external' }, defaultEndpoint: '0.0.0.0:80', tls }],
});

t.test('MG202 warns about a namespace PERMISSIVE under the mesh-wide STRICT, naming the mesh policy', async (t) => {
  const findings = review(mg202, istio('PeerAuthentication', 'legacy', 'default', { mtls: { mode: 'PERMISSIVE' } }), { view: view([...world, meshStrict]) });
  t.same(lines(findings), [
    '[MG202] warn spec.mtls.mode: PERMISSIVE overrides the parent mode STRICT (PeerAuthentication istio-system/default, mesh-wide) for every ' +
      'workload in namespace legacy: plaintext is accepted there next to mutual TLS, so a caller without a sidecar gets in unauthenticated and ' +
      'unencrypted, and AuthorizationPolicy conditions on the peer identity (principals, namespaces) never match it. Admitted as a migration ' +
      "override: set STRICT, or remove this mode to inherit the parent's, once every caller has a sidecar.",
  ]);
});

t.test('MG202 admits a namespace PERMISSIVE under a PERMISSIVE mesh, and a namespace STRICT under the mesh STRICT', async (t) => {
  const meshPermissive = istio('PeerAuthentication', 'istio-system', 'default', { mtls: { mode: 'PERMISSIVE' } }, '2024-01-01T00:00:00Z');
  t.same(review(mg202, istio('PeerAuthentication', 'legacy', 'default', { mtls: { mode: 'DISABLE' } }), { view: view([...world, meshPermissive]) }), [], 'PERMISSIVE parent');
  t.same(review(mg202, istio('PeerAuthentication', 'legacy', 'default', { mtls: { mode: 'STRICT' } }), { view: view([...world, meshStrict]) }), [], 'STRICT child');
  t.same(review(mg202, istio('PeerAuthentication', 'legacy', 'default', { mtls: { mode: 'PERMISSIVE' } }), { view: view(world) }), [], 'no mesh policy');
});

t.test('MG202 warns about a workload DISABLE under a namespace STRICT', async (t) => {
  const namespaceStrict = istio('PeerAuthentication', 'test', 'default', { mtls: { mode: 'STRICT' } }, '2024-01-01T00:00:00Z');
  const findings = review(mg202, httpbinPolicy({ mtls: { mode: 'DISABLE' } }), { view: view([...world, namespaceStrict]) });
  t.same(lines(findings), [
    '[MG202] warn spec.mtls.mode: DISABLE overrides the parent mode STRICT (PeerAuthentication test/default, namespace-wide) for the workloads ' +
      'it selects in test (app: httpbin): only plaintext is accepted there, so that traffic is neither encrypted nor authenticated, and ' +
      'AuthorizationPolicy conditions on the peer identity (principals, namespaces) never match it. Admitted as a migration override: set ' +
      "STRICT, or remove this mode to inherit the parent's, once every caller has a sidecar.",
  ]);
});

t.test('MG202 warns about a port-level PERMISSIVE under the workload STRICT of the same policy, and about DISABLE on a port without Sidecar TLS', async (t) => {
  const findings = review(mg202, httpbinPolicy({ mtls: { mode: 'STRICT' }, portLevelMtls: { '9080': { mode: 'PERMISSIVE' }, '9081': { mode: 'DISABLE' } } }), {
    view: view([...world, sidecarTls]),
  });
  t.same(lines(findings), [
    '[MG202] warn spec.portLevelMtls["9080"].mode: PERMISSIVE overrides the parent mode STRICT (PeerAuthentication test/httpbin, workload ' +
      'policy) for port 9080 of the workloads it selects in test (app: httpbin): plaintext is accepted there next to mutual TLS, so a caller ' +
      'without a sidecar gets in unauthenticated and unencrypted, and AuthorizationPolicy conditions on the peer identity (principals, ' +
      "namespaces) never match it. Admitted as a migration override: set STRICT, or remove this mode to inherit the parent's, once every " +
      'caller has a sidecar.',
    '[MG202] warn spec.portLevelMtls["9081"].mode: DISABLE overrides the parent mode STRICT (PeerAuthentication test/httpbin, workload ' +
      'policy) for port 9081 of the workloads it selects in test (app: httpbin): only plaintext is accepted there, so that traffic is neither ' +
      'encrypted nor authenticated, and AuthorizationPolicy conditions on the peer identity (principals, namespaces) never match it. Admitted ' +
      "as a migration override: set STRICT, or remove this mode to inherit the parent's, once every caller has a sidecar. If the sidecar is " +
      'meant to terminate TLS on this port itself, pair it with a Sidecar ingress listener with tls on that port.',
  ]);
});

t.test('MG202 admits a port-level DISABLE paired with a Sidecar ingress TLS listener on that port (the documented pattern)', async (t) => {
  const portDisable = httpbinPolicy({ mtls: { mode: 'STRICT' }, portLevelMtls: { '9080': { mode: 'DISABLE' } } });
  t.same(review(mg202, portDisable, { view: view([...world, sidecarTls]) }), []);
  const inherited = httpbinPolicy({ portLevelMtls: { '9080': { mode: 'DISABLE' } } });
  t.same(review(mg202, inherited, { view: view([...world, meshStrict, sidecarTls]) }), [], 'STRICT inherited from the mesh');
  t.same(review(mg202, inherited, { view: view([...world, meshStrict]) }).map((f) => f.path), ['spec.portLevelMtls["9080"].mode'], 'the same DISABLE without the Sidecar');
});
