import t from 'tap';
import type { AdmissionReview } from '../../src/admission/types.js';
import type { KubeObject } from '../../src/k8s/types.js';
import { deployment, istio, namespace, service, switchableView, view } from '../helpers/cluster.js';
import { reviewWithObject } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/https-server.js';

/**
 * The mTLS migration story end to end over HTTPS: namespaces `full` (all meshed), `partial` (one meshed
 * and one unmeshed httpbin) and `legacy` (unmeshed), judged by the webhook with cluster state.
 */
const cluster = [
  namespace('full'),
  namespace('partial', {}),
  namespace('legacy', {}),
  deployment('full', 'httpbin'),
  deployment('full', 'sleep'),
  service('full', 'httpbin', [{ name: 'http', port: 8000, targetPort: 8080 }]),
  deployment('partial', 'httpbin-meshed', { labels: { 'sidecar.istio.io/inject': 'true' } }),
  deployment('partial', 'httpbin'),
  deployment('legacy', 'sleep', { replicas: 2 }),
  deployment('legacy', 'httpbin'),
];
const fullPolicy = (mode: string, created?: string) => istio('PeerAuthentication', 'full', 'default', { mtls: { mode } }, created);
const mutual = istio('DestinationRule', 'full', 'httpbin', { host: 'httpbin.full.svc.cluster.local', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } });

const world = switchableView(view(cluster));
let server: TestServer;
t.before(async () => {
  server = await startTestServer({ view: world.view });
});
t.teardown(() => server.close());

async function post(object: KubeObject, fixture: string) {
  const review = (await server.post('/validate', reviewWithObject(fixture, object))).json<AdmissionReview>();
  return { allowed: review.response?.allowed, message: review.response?.status?.message, warnings: review.response?.warnings ?? [] };
}

t.test('migration: STRICT on full is admitted with MG209 naming the unmeshed callers in legacy and partial', async (t) => {
  t.same(await post(fullPolicy('STRICT'), 'peerauthentication-v1-create-namespace-default-strict'), {
    allowed: true,
    message: undefined,
    warnings: [
      '[MG209] spec.mtls.mode: STRICT makes Deployment/httpbin in full, Deployment/sleep in full refuse plaintext, but 4 pods without a ' +
        'sidecar run in legacy (3), partial (1): every request they send to these workloads will be reset. Mesh those callers first (label ' +
        'their namespaces istio-injection=enabled and restart them), or keep PERMISSIVE until they are meshed.',
    ],
  });
});

t.test('migration: ISTIO_MUTUAL to httpbin.full after its PeerAuthentication was set to DISABLE is denied with the 503 explanation', async (t) => {
  world.set(view([...cluster, fullPolicy('DISABLE', '2024-01-01T00:00:00Z')]));
  t.same(await post(mutual, 'destinationrule-v1-create-istio-mutual'), {
    allowed: false,
    message:
      '[MG302] spec.trafficPolicy.tls.mode: ISTIO_MUTUAL makes the client sidecars send Istio mutual TLS to httpbin.full.svc.cluster.local, ' +
      'but Deployment/httpbin in full (port 8080) is DISABLE (PeerAuthentication full/default, namespace-wide), so nothing on the server ' +
      'side terminates that TLS and every request through this rule fails with 503 (upstream connect error or disconnect/reset before ' +
      "headers). Remove this tls block so that Istio's auto mTLS follows the server's mode, or set the PeerAuthentication for that port to PERMISSIVE.",
    warnings: [],
  });
});

t.test('migration: the reverse order — DISABLE on full while the ISTIO_MUTUAL rule exists — is denied by MG210', async (t) => {
  world.set(view([...cluster, fullPolicy('STRICT', '2024-01-01T00:00:00Z'), { ...mutual, metadata: { ...mutual.metadata, creationTimestamp: '2024-01-02T00:00:00Z' } }]));
  const verdict = await post(fullPolicy('DISABLE', '2024-01-01T00:00:00Z'), 'peerauthentication-v1-update-mesh-wide-merge-patch');
  t.equal(verdict.allowed, false);
  t.match(verdict.message, /^\[MG210\] spec\.mtls\.mode: this PeerAuthentication makes Deployment\/httpbin in full \(port 8080\) accept only plaintext \(DISABLE\), but DestinationRule full\/httpbin sends ISTIO_MUTUAL/);
});
