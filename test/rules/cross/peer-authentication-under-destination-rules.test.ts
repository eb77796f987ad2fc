import t from 'tap';
import { mg210 } from '../../../src/rules/mg210-disable-under-istio-mutual.js';
import { mg301 } from '../../../src/rules/mg301-plaintext-to-strict.js';
import { deployment, istio, namespace, review, service, view } from '../../helpers/cluster.js';
import { lines } from '../../helpers/rules.js';

const world = [
  namespace('full'),
  deployment('full', 'httpbin', { ports: [8080] }),
  service('full', 'httpbin', [{ name: 'http', port: 8000, targetPort: 8080 }]),
];
const mutual = istio('DestinationRule', 'clients', 'httpbin', { host: 'httpbin.full.svc.cluster.local', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } }, '2024-01-01T00:00:00Z');
const pa = (spec: object, created?: string) => istio('PeerAuthentication', 'full', 'default', spec, created);

t.test('MG210 denies a PeerAuthentication DISABLE for workloads a DestinationRule reaches with ISTIO_MUTUAL', async (t) => {
  const findings = review(mg210, pa({ mtls: { mode: 'DISABLE' } }), { view: view([...world, mutual]) });
  t.same(lines(findings), [
    '[MG210] deny spec.mtls.mode: this PeerAuthentication makes Deployment/httpbin in full (port 8080) accept only plaintext (DISABLE), ' +
      'but DestinationRule clients/httpbin sends ISTIO_MUTUAL to httpbin.full.svc.cluster.local (spec.trafficPolicy.tls), so every request ' +
      "from the sidecars that use that rule fails with 503. Remove that tls block (Istio's auto mTLS then sends plaintext) or set it to " +
      'DISABLE for this port first, or use PERMISSIVE here.',
  ]);
});

t.test('MG210 points at the portLevelMtls entry keyed by the container port', async (t) => {
  const workloadPolicy = istio('PeerAuthentication', 'full', 'httpbin', { selector: { matchLabels: { app: 'httpbin' } }, portLevelMtls: { '8080': { mode: 'DISABLE' } } });
  t.same(review(mg210, workloadPolicy, { view: view([...world, mutual]) }).map((f) => f.path), ['spec.portLevelMtls["8080"].mode']);
});

t.test('MG210 admits DISABLE when no DestinationRule sends ISTIO_MUTUAL, and PERMISSIVE next to ISTIO_MUTUAL', async (t) => {
  t.same(review(mg210, pa({ mtls: { mode: 'DISABLE' } }), { view: view(world) }), [], 'no DestinationRule');
  const plaintext = istio('DestinationRule', 'clients', 'httpbin', { host: 'httpbin.full.svc.cluster.local', trafficPolicy: { tls: { mode: 'DISABLE' } } });
  t.same(review(mg210, pa({ mtls: { mode: 'DISABLE' } }), { view: view([...world, plaintext]) }), [], 'the DestinationRule already sends plaintext');
  t.same(review(mg210, pa({ mtls: { mode: 'PERMISSIVE' } }), { view: view([...world, mutual]) }), [], 'PERMISSIVE accepts both');
});

t.test('MG210 warns, never denies, when deleting a PeerAuthentication leaves the mesh-wide DISABLE in force', async (t) => {
  const strict = pa({ mtls: { mode: 'STRICT' } }, '2024-01-02T00:00:00Z');
  const cluster = view([...world, mutual, strict, istio('PeerAuthentication', 'istio-system', 'default', { mtls: { mode: 'DISABLE' } })]);
  const findings = review(mg210, strict, { view: cluster, operation: 'DELETE' });
  t.same(findings.map((f) => [f.severity, f.path]), [['warn', 'metadata.name']]);
  t.match(findings[0]!.message, /^deleting this PeerAuthentication leaves Deployment\/httpbin in full \(port 8080\) accept only plaintext/);
});

const plaintextRule = istio('DestinationRule', 'clients', 'httpbin', { host: 'httpbin.full.svc.cluster.local', trafficPolicy: { tls: { mode: 'DISABLE' } } }, '2024-01-01T00:00:00Z');

t.test('MG301 denies a PeerAuthentication STRICT for workloads a DestinationRule sends plaintext (DISABLE) to', async (t) => {
  const findings = review(mg301, pa({ mtls: { mode: 'STRICT' } }), { view: view([...world, plaintextRule]) });
  t.same(lines(findings), [
    '[MG301] deny spec.mtls.mode: this PeerAuthentication makes Deployment/httpbin in full (port 8080) refuse plaintext (STRICT), but ' +
      'DestinationRule clients/httpbin sends plaintext (DISABLE) to httpbin.full.svc.cluster.local (spec.trafficPolicy.tls), so the server ' +
      "sidecar resets every connection from the sidecars that use that rule (503 for HTTP). Remove that tls block (Istio's auto mTLS then " +
      'sends mutual TLS) or set it to ISTIO_MUTUAL first, or use PERMISSIVE here.',
  ]);
});

t.test('MG301 follows a port-level and a subset DISABLE to the port they reach', async (t) => {
  const portLevel = istio('DestinationRule', 'clients', 'httpbin', {
    host: 'httpbin.full.svc.cluster.local',
    subsets: [{ name: 'v1', labels: { app: 'httpbin' }, trafficPolicy: { portLevelSettings: [{ port: { number: 8000 }, tls: { mode: 'DISABLE' } }] } }],
  });
  const findings = review(mg301, pa({ mtls: { mode: 'STRICT' } }), { view: view([...world, portLevel]) });
  t.same(findings.map((f) => f.path), ['spec.mtls.mode']);
  t.match(findings[0]!.message, /sends plaintext \(DISABLE\) to httpbin\.full\.svc\.cluster\.local for port 8000 of subset v1 \(spec\.subsets\[0\]\.trafficPolicy\.portLevelSettings\[0\]\.tls\)/);
});

t.test('MG301 admits STRICT next to ISTIO_MUTUAL or without a DestinationRule, and PERMISSIVE next to DISABLE', async (t) => {
  t.same(review(mg301, pa({ mtls: { mode: 'STRICT' } }), { view: view([...world, mutual]) }), [], 'ISTIO_MUTUAL');
  t.same(review(mg301, pa({ mtls: { mode: 'STRICT' } }), { view: view(world) }), [], 'auto mTLS');
  t.same(review(mg301, pa({ mtls: { mode: 'PERMISSIVE' } }), { view: view([...world, plaintextRule]) }), [], 'PERMISSIVE accepts plaintext');
});

t.test('MG301 warns, never denies, when deleting a PeerAuthentication leaves the mesh-wide STRICT in force under a DISABLE rule', async (t) => {
  const permissive = pa({ mtls: { mode: 'PERMISSIVE' } }, '2024-01-02T00:00:00Z');
  const cluster = view([...world, plaintextRule, permissive, istio('PeerAuthentication', 'istio-system', 'default', { mtls: { mode: 'STRICT' } })]);
  const findings = review(mg301, permissive, { view: cluster, operation: 'DELETE' });
  t.same(findings.map((f) => [f.severity, f.path]), [['warn', 'metadata.name']]);
  t.match(findings[0]!.message, /^deleting this PeerAuthentication makes Deployment\/httpbin in full \(port 8080\) refuse plaintext \(STRICT\), but DestinationRule clients\/httpbin/);
});
