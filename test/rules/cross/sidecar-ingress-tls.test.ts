import t from 'tap';
import { mg401 } from '../../../src/rules/mg401-sidecar-tls-not-disable.js';
import { mg402 } from '../../../src/rules/mg402-sidecar-tls-feature-off.js';
import type { KubeObject } from '../../../src/k8s/types.js';
import { deployment, istio, namespace, review, service, view } from '../../helpers/cluster.js';
import { lines } from '../../helpers/rules.js';

const world = [
  namespace('test'),
  deployment('test', 'httpbin', { ports: [9080, 9081] }),
  service('test', 'httpbin', [{ name: 'https', port: 443, targetPort: 9080 }]),
  istio('PeerAuthentication', 'test', 'default', { mtls: { mode: 'STRICT' } }, '2024-01-01T00:00:00Z'),
];
const portDisable = istio(
  'PeerAuthentication',
  'test',
  'httpbin',
  { selector: { matchLabels: { app: 'httpbin' } }, mtls: { mode: 'STRICT' }, portLevelMtls: { '9080': { mode: 'DISABLE' } } },
  '2024-01-02T00:00:00Z',
);
const tls = { mode: 'SIMPLE', serverCertificate: '/etc/istio/tls-certs/tls.crt', privateKey: '/etc/istio/tls-certs/tls.key' };
const sidecar = istio(
  'Sidecar',
  'test',
  'ingress-sidecar',
  { workloadSelector: { labels: { app: 'httpbin' } }, ingress: [{ port: { number: 9080, protocol: 'HTTPS', name: 'external' }, defaultEndpoint: '0.0.0.0:80', tls }] },
  '2024-01-03T00:00:00Z',
);

t.test('MG401 denies a Sidecar ingress TLS listener on a port that stays STRICT', async (t) => {
  t.same(lines(review(mg401, sidecar, { view: view(world) })), [
    '[MG401] deny spec.ingress[0].tls: this Sidecar terminates TLS on port 9080, but Deployment/httpbin in test (port 9080) is STRICT ' +
      '(PeerAuthentication test/default, namespace-wide), and Istio applies Sidecar ingress TLS only where the effective PeerAuthentication ' +
      "mode of the port is DISABLE: the tls settings are ignored, the port keeps Istio's own mTLS, and clients that originate TLS to it " +
      'fail the handshake. Add a PeerAuthentication with selector.matchLabels {app: httpbin} and portLevelMtls: {"9080": {mode: DISABLE}}.',
  ]);
});

t.test('MG401 admits the Sidecar once portLevelMtls makes that port DISABLE', async (t) => {
  t.same(review(mg401, sidecar, { view: view([...world, portDisable]) }), []);
});

t.test('MG401 denies a PeerAuthentication update that takes the DISABLE away from the Sidecar TLS port', async (t) => {
  const cluster = view([...world, portDisable, sidecar]);
  const update = istio('PeerAuthentication', 'test', 'httpbin', { selector: { matchLabels: { app: 'httpbin' } }, mtls: { mode: 'STRICT' } }, '2024-01-02T00:00:00Z');
  t.same(lines(review(mg401, update, { view: cluster, operation: 'UPDATE', oldObject: portDisable })), [
    '[MG401] deny spec.mtls.mode: this PeerAuthentication makes port 9080 of Deployment/httpbin in test STRICT (PeerAuthentication ' +
      'test/httpbin, workload policy), but Sidecar test/ingress-sidecar terminates TLS there (spec.ingress[0].tls), and Istio applies Sidecar ' +
      "ingress TLS only where the effective PeerAuthentication mode of the port is DISABLE: the tls settings are ignored, the port keeps Istio's " +
      'own mTLS, and clients that originate TLS to it fail the handshake. Keep portLevelMtls: {"9080": {mode: DISABLE}} for this workload, ' +
      "or remove the Sidecar's tls first.",
  ]);
  const otherPort = istio('PeerAuthentication', 'test', 'httpbin', {
    selector: { matchLabels: { app: 'httpbin' } },
    mtls: { mode: 'STRICT' },
    portLevelMtls: { '9080': { mode: 'DISABLE' }, '9081': { mode: 'PERMISSIVE' } },
  }, '2024-01-02T00:00:00Z');
  t.same(review(mg401, otherPort, { view: cluster, operation: 'UPDATE', oldObject: portDisable }), [], 'an update that keeps 9080 DISABLE');
  t.same(review(mg401, { ...portDisable, metadata: { ...portDisable.metadata, labels: { team: 'web' } } }, { view: cluster, operation: 'UPDATE', oldObject: portDisable }), [], 'a label-only update');
});

t.test('MG401 warns, never denies, when the PeerAuthentication the Sidecar depends on is deleted', async (t) => {
  const findings = review(mg401, portDisable, { view: view([...world, portDisable, sidecar]), operation: 'DELETE' });
  t.same(findings.map((f) => [f.severity, f.path]), [['warn', 'metadata.name']]);
  t.match(findings[0]!.message, /^deleting this PeerAuthentication makes port 9080 of Deployment\/httpbin in test STRICT \(PeerAuthentication test\/default, namespace-wide\), but Sidecar test\/ingress-sidecar/);
});

const istiod = (env: Array<{ name: string; value: string }>): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'istiod', namespace: 'istio-system', labels: { app: 'istiod' } },
  spec: { selector: { matchLabels: { app: 'istiod' } }, template: { metadata: { labels: { app: 'istiod' } }, spec: { containers: [{ name: 'discovery', image: 'istio/pilot', env }] } } },
} as KubeObject);

t.test('MG402 warns about ingress TLS while istiod runs without ENABLE_TLS_ON_SIDECAR_INGRESS', async (t) => {
  t.same(lines(review(mg402, sidecar, { view: view([...world, istiod([])]) })), [
    '[MG402] warn spec.ingress[0].tls: istiod runs without ENABLE_TLS_ON_SIDECAR_INGRESS=true, so it ignores the tls of every Sidecar ingress ' +
      "listener: here port 9080 keeps Istio's own mTLS or plaintext, and clients that originate TLS to it fail the handshake. Set the environment " +
      'variable ENABLE_TLS_ON_SIDECAR_INGRESS=true on istiod (Helm value pilot.env.ENABLE_TLS_ON_SIDECAR_INGRESS, or istioctl --set ' +
      'values.pilot.env.ENABLE_TLS_ON_SIDECAR_INGRESS=true).',
  ]);
});

t.test('MG402 admits ingress TLS when istiod enables it, or when istiod is not visible', async (t) => {
  t.same(review(mg402, sidecar, { view: view([...world, istiod([{ name: 'ENABLE_TLS_ON_SIDECAR_INGRESS', value: 'true' }])]) }), []);
  t.same(review(mg402, sidecar, { view: view(world) }), [], 'unknown: no finding');
});

t.test('MG401 warns when deleting the Sidecar whose TLS a port-level DISABLE pairs with, naming the PeerAuthentication', async (t) => {
  t.same(lines(review(mg401, sidecar, { view: view([...world, portDisable, sidecar]), operation: 'DELETE' })), [
    '[MG401] warn spec.ingress[0].tls: deleting this Sidecar removes the TLS it terminates on port 9080, and Deployment/httpbin in test ' +
      '(port 9080) is DISABLE (PeerAuthentication test/httpbin, portLevelMtls): the port then serves plaintext with no TLS at all, so clients ' +
      'that originate TLS to it fail the handshake and everything else reaches it unencrypted and unauthenticated. Change the ' +
      "PeerAuthentication's DISABLE for port 9080 first (STRICT or PERMISSIVE gives the port Istio's mutual TLS back), or keep this Sidecar.",
  ]);
});

t.test('MG401 admits deleting a Sidecar whose TLS never applied, or whose port another Sidecar still terminates TLS on', async (t) => {
  t.same(review(mg401, sidecar, { view: view([...world, sidecar]), operation: 'DELETE' }), [], 'the port is STRICT: the tls was ignored anyway');
  const namespaceSidecar = istio('Sidecar', 'test', 'default', { ingress: [{ port: { number: 9080, protocol: 'HTTPS', name: 'external' }, defaultEndpoint: '0.0.0.0:80', tls }] }, '2024-01-01T00:00:00Z');
  t.same(review(mg401, sidecar, { view: view([...world, portDisable, sidecar, namespaceSidecar]), operation: 'DELETE' }), [], 'the namespace Sidecar takes over');
});
