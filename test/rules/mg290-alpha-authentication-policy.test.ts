import t from 'tap';
import { NO_CLUSTER } from '../../src/cluster/no-cluster.js';
import type { ClusterView } from '../../src/cluster/view.js';
import type { AlphaAuthenticationPolicySpec } from '../../src/istio/kinds.js';
import { mg290 } from '../../src/rules/mg290-alpha-authentication-policy.js';
import type { Rule } from '../../src/rules/types.js';

const rule = mg290 as Rule;
const PREFIX =
  'is not enforced and the workloads keep whatever PeerAuthentication applies (PERMISSIVE when none). Replace it with ';

function check(kind: 'Policy' | 'MeshPolicy', namespace: string, spec: AlphaAuthenticationPolicySpec, view: ClusterView = NO_CLUSTER) {
  const object = { apiVersion: 'authentication.istio.io/v1alpha1', kind, metadata: { name: kind === 'MeshPolicy' ? 'default' : 'httpbin', namespace }, spec };
  return rule.check({ kind, operation: 'CREATE', namespace, name: object.metadata.name, object }, { view, rootNamespace: 'istio-system' });
}

function replacement(message: string | undefined): string {
  return (message ?? '').split(PREFIX)[1] ?? '';
}

const httpbinView: ClusterView = {
  ...NO_CLUSTER,
  service: (namespace, name) =>
    namespace === 'foo' && name === 'httpbin'
      ? { namespace, name, selector: { app: 'httpbin' }, ports: [{ name: 'http', port: 8000, targetPort: 80, protocol: 'http', istioProtocol: 'HTTP' }] }
      : undefined,
};

t.test('MG290 denies a MeshPolicy and writes out the mesh-wide STRICT PeerAuthentication of the root namespace', async (t) => {
  const [finding, ...rest] = check('MeshPolicy', '', { peers: [{ mtls: {} }] });
  t.equal(rest.length, 0);
  t.equal(finding?.severity, 'deny');
  t.equal(finding?.path, 'apiVersion');
  t.equal(
    finding?.message,
    'authentication.istio.io/v1alpha1 MeshPolicy was removed in Istio 1.6: istiod ignores it and clusters without its CRD reject it, so the mutual TLS it asks for ' +
      PREFIX +
      '{ apiVersion: security.istio.io/v1, kind: PeerAuthentication, metadata: { name: default, namespace: istio-system }, spec: { mtls: { mode: STRICT } } }.',
  );
});

t.test('MG290 converts a namespace Policy without peers to PERMISSIVE in its own namespace', async (t) => {
  t.equal(
    replacement(check('Policy', 'legacy', {})[0]?.message),
    '{ apiVersion: security.istio.io/v1, kind: PeerAuthentication, metadata: { name: httpbin, namespace: legacy }, spec: { mtls: { mode: PERMISSIVE } } }.',
  );
});

t.test('MG290 turns a target Service and its port into the workload selector and the container port', async (t) => {
  const spec = { targets: [{ name: 'httpbin', ports: [{ number: 8000 }] }], peers: [{ mtls: { mode: 'PERMISSIVE' } }] };
  t.equal(
    replacement(check('Policy', 'foo', spec, httpbinView)[0]?.message),
    '{ apiVersion: security.istio.io/v1, kind: PeerAuthentication, metadata: { name: httpbin-httpbin, namespace: foo }, ' +
      'spec: { selector: { matchLabels: { app: httpbin } }, portLevelMtls: { "80": { mode: PERMISSIVE } } } }.',
  );
});

t.test('MG290 marks what it cannot know without the Service, and says what to fill in', async (t) => {
  const spec = { targets: [{ name: 'httpbin', ports: [{ name: 'http' }] }], peers: [{ mtls: null }], origins: [{ jwt: {} }] };
  t.equal(
    replacement(check('Policy', 'foo', spec)[0]?.message),
    '{ apiVersion: security.istio.io/v1, kind: PeerAuthentication, metadata: { name: httpbin-httpbin, namespace: foo }, ' +
      'spec: { selector: { matchLabels: <spec.selector of Service httpbin> }, portLevelMtls: { <targetPort of Service port http>: { mode: STRICT } } } }. ' +
      'Its origins (JWT) need a RequestAuthentication, plus an AuthorizationPolicy with requestPrincipals: ["*"] where a token is required. ' +
      'Service foo/httpbin is not known (neither in the input nor in the cluster), so fill in the <...> of httpbin-httpbin from its spec.selector and the targetPort of each port.',
  );
});

t.test('MG290 reads a malformed spec without throwing (peerIsOptional wins, junk targets are ignored)', async (t) => {
  const spec = { targets: [null, { name: 7 }], peers: [{ mtls: {} }], peerIsOptional: true } as unknown as AlphaAuthenticationPolicySpec;
  t.match(replacement(check('Policy', 'foo', spec)[0]?.message), /^\{ apiVersion: security\.istio\.io\/v1, .* spec: \{ mtls: \{ mode: PERMISSIVE \} \} \}\.$/);
});
