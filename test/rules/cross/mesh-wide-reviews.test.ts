import t from 'tap';
import { mg106 } from '../../../src/rules/mg106-identity-without-strict.js';
import { mg209 } from '../../../src/rules/mg209-strict-with-unmeshed.js';
import { mg114 } from '../../../src/rules/mg114-jwt-condition-without-provider.js';
import { mg210 } from '../../../src/rules/mg210-disable-under-istio-mutual.js';
import { mg401 } from '../../../src/rules/mg401-sidecar-tls-not-disable.js';
import type { KubeObject } from '../../../src/k8s/types.js';
import { deployment, istio, namespace, review, service, view } from '../../helpers/cluster.js';
import { lines } from '../../helpers/rules.js';

/**
 * Mesh-wide and namespace-wide reviews are answered from the store's counts and from the objects that
 * depend on the changed ports; their messages name three workloads and count the rest exactly.
 */

const created = '2024-01-01T00:00:00Z';
const apps = (ns: string, names: string[]): KubeObject[] => names.map((name) => deployment(ns, name));
const mesh = [namespace('shop'), ...apps('shop', ['cart', 'orders']), namespace('pay'), ...apps('pay', ['card', 'fraud', 'ledger'])];
const strictShop = istio('PeerAuthentication', 'shop', 'default', { mtls: { mode: 'STRICT' } }, created);

t.test('MG106 counts every plaintext port of a mesh-wide DENY on principals and names three', async (t) => {
  const deny = istio('AuthorizationPolicy', 'istio-system', 'deny-legacy', { action: 'DENY', rules: [{ from: [{ source: { namespaces: ['legacy'] } }] }] });
  t.same(lines(review(mg106, deny, { view: view([...mesh, strictShop]) })), [
    "[MG106] deny spec.rules[0].from[0].source.namespaces: namespaces matches the peer's mTLS identity, but Deployment/card in pay (port 8080) " +
      "is PERMISSIVE (no PeerAuthentication applies: Istio's default), Deployment/fraud in pay (port 8080) is PERMISSIVE (no PeerAuthentication " +
      "applies: Istio's default), Deployment/ledger in pay (port 8080) is PERMISSIVE (no PeerAuthentication applies: Istio's default), and a " +
      'plaintext request carries no identity: plaintext requests never match this rule and bypass the DENY policy: a caller without a sidecar ' +
      'gets through (a security hole). Set PeerAuthentication mode STRICT for these workloads, or also deny plaintext with a DENY rule on ' +
      'from: [{source: {notPrincipals: ["*"]}}].',
  ]);
  const oneMore = view([...mesh, ...apps('pay', ['refund']), strictShop]);
  t.match(review(mg106, deny, { view: oneMore })[0]?.message, /ledger in pay \(port 8080\) is PERMISSIVE \(no PeerAuthentication applies: Istio's default\) and 1 more, and/, 'four plaintext ports: three named, one counted');
  const strictMesh = istio('PeerAuthentication', 'istio-system', 'default', { mtls: { mode: 'STRICT' } }, created);
  t.same(review(mg106, deny, { view: view([...mesh, strictMesh]) }), [], 'every port STRICT mesh-wide: nothing to bypass');
});

t.test('MG209 names three of the workloads a mesh-wide STRICT reaches, counts the rest, and skips those with a namespace mode', async (t) => {
  const cluster = view([...mesh, ...apps('pay', ['refund']), strictShop, namespace('batch', {}), deployment('batch', 'report', { replicas: 2 })]);
  const strictMesh = istio('PeerAuthentication', 'istio-system', 'default', { mtls: { mode: 'STRICT' } });
  const findings = review(mg209, strictMesh, { view: cluster });
  t.same(lines(findings), [
    '[MG209] warn spec.mtls.mode: STRICT makes Deployment/card in pay, Deployment/fraud in pay, Deployment/ledger in pay and 1 more refuse ' +
      'plaintext, but 2 pods without a sidecar run in batch (2): every request they send to these workloads will be reset. Mesh those callers ' +
      'first (label their namespaces istio-injection=enabled and restart them), or keep PERMISSIVE until they are meshed.',
    '[MG209] warn spec.mtls.mode: 2 pods this PeerAuthentication applies to have no sidecar (Deployment/report in batch), and PeerAuthentication ' +
      'is enforced by the sidecar: they keep accepting plaintext from anyone. Inject the sidecar (istio-injection=enabled on the namespace, ' +
      'then restart the pods) for STRICT to protect them.',
  ]);
  const everyNamespaceDecides = view([...mesh, strictShop, istio('PeerAuthentication', 'pay', 'default', { mtls: { mode: 'PERMISSIVE' } }, created)]);
  t.same(review(mg209, strictMesh, { view: everyNamespaceDecides }), [], 'every namespace has its own mode: the mesh-wide one moves nothing, and every pod has a sidecar');
});

t.test('MG210 finds the ISTIO_MUTUAL DestinationRule of a namespace that inherits a mesh-wide DISABLE, and not of one with its own mode', async (t) => {
  const mutual = (ns: string, host: string) => istio('DestinationRule', ns, host, { host, trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } }, created);
  const cluster = view([...mesh, strictShop, service('pay', 'card', [{ name: 'http', port: 80, targetPort: 8080 }]), service('shop', 'cart', [{ name: 'http', port: 80, targetPort: 8080 }]), mutual('pay', 'card'), mutual('shop', 'cart')]);
  const disableMesh = istio('PeerAuthentication', 'istio-system', 'default', { mtls: { mode: 'DISABLE' } });
  t.same(lines(review(mg210, disableMesh, { view: cluster })), [
    '[MG210] deny spec.mtls.mode: this PeerAuthentication makes Deployment/card in pay (port 8080) accept only plaintext (DISABLE), but ' +
      'DestinationRule pay/card sends ISTIO_MUTUAL to card (spec.trafficPolicy.tls), so every request from the sidecars that use that rule ' +
      "fails with 503. Remove that tls block (Istio's auto mTLS then sends plaintext) or set it to DISABLE for this port first, or use PERMISSIVE here.",
  ]);
});

t.test('MG401 warns when deleting a namespace-wide DISABLE leaves a Sidecar TLS port STRICT, and admits it where a workload policy keeps the DISABLE', async (t) => {
  const tls = { mode: 'SIMPLE', serverCertificate: '/etc/tls/tls.crt', privateKey: '/etc/tls/tls.key' };
  const sidecar = istio('Sidecar', 'pay', 'card', { workloadSelector: { labels: { app: 'card' } }, ingress: [{ port: { number: 8443, protocol: 'HTTPS', name: 'tls' }, defaultEndpoint: '0.0.0.0:8080', tls }] }, created);
  const disablePay = istio('PeerAuthentication', 'pay', 'default', { mtls: { mode: 'DISABLE' } }, created);
  const strictMesh = istio('PeerAuthentication', 'istio-system', 'default', { mtls: { mode: 'STRICT' } }, created);
  const findings = review(mg401, disablePay, { view: view([...mesh, sidecar, disablePay, strictMesh]), operation: 'DELETE' });
  t.same(findings.map((f) => [f.severity, f.path]), [['warn', 'metadata.name']]);
  t.match(findings[0]!.message, /^deleting this PeerAuthentication makes port 8443 of Deployment\/card in pay STRICT \(PeerAuthentication istio-system\/default, mesh-wide\), but Sidecar pay\/card terminates TLS there/);
  const keeps = istio('PeerAuthentication', 'pay', 'card', { selector: { matchLabels: { app: 'card' } }, portLevelMtls: { '8443': { mode: 'DISABLE' } } }, created);
  t.same(review(mg401, disablePay, { view: view([...mesh, sidecar, disablePay, strictMesh, keeps]), operation: 'DELETE' }), []);
});

t.test('MG114 warns when deleting the mesh-wide RequestAuthentication leaves a policy on requestPrincipals without tokens, and not where a namespace keeps one', async (t) => {
  const jwtRules = [{ issuer: 'issuer.example', jwksUri: 'https://issuer.example/jwks.json' }];
  const meshJwt = istio('RequestAuthentication', 'istio-system', 'default', { jwtRules }, created);
  const requireJwt = istio('AuthorizationPolicy', 'pay', 'require-jwt', { rules: [{ from: [{ source: { requestPrincipals: ['*'] } }] }] }, created);
  t.same(lines(review(mg114, meshJwt, { view: view([...mesh, meshJwt, requireJwt]), operation: 'DELETE' })), [
    '[MG114] warn metadata.name: deleting this RequestAuthentication leaves Deployment/card in pay, Deployment/fraud in pay, Deployment/ledger in pay ' +
      'with no RequestAuthentication that validates JWTs, but AuthorizationPolicy pay/require-jwt matches on requestPrincipals there ' +
      '(spec.rules[0].from[0].source.requestPrincipals): their requests will never carry a validated token, so the condition never matches: ' +
      'the ALLOW rule never admits the requests it names, so they are denied. Change or delete AuthorizationPolicy pay/require-jwt first, or keep a RequestAuthentication ' +
      'with jwtRules for these workloads.',
  ]);
  const payJwt = istio('RequestAuthentication', 'pay', 'default', { jwtRules }, created);
  t.same(review(mg114, meshJwt, { view: view([...mesh, meshJwt, payJwt, requireJwt]), operation: 'DELETE' }), [], 'pay validates its own tokens');
});
