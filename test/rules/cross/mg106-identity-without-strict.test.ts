import t from 'tap';
import { mg106 } from '../../../src/rules/mg106-identity-without-strict.js';
import { deployment, istio, namespace, review, service, view } from '../../helpers/cluster.js';
import { lines } from '../../helpers/rules.js';

const world = [namespace('foo'), deployment('foo', 'httpbin', { ports: [8080] }), service('foo', 'httpbin', [{ name: 'http', port: 8000, targetPort: 8080 }])];
const strict = istio('PeerAuthentication', 'foo', 'default', { mtls: { mode: 'STRICT' } }, '2024-01-01T00:00:00Z');
const policy = (action: string, source: object, to?: object[]) =>
  istio('AuthorizationPolicy', 'foo', 'deny-sleep', { selector: { matchLabels: { app: 'httpbin' } }, action, rules: [{ from: [{ source }], to }] });

t.test('MG106 denies a DENY on principals while the workload is PERMISSIVE: plaintext bypasses it', async (t) => {
  const findings = review(mg106, policy('DENY', { principals: ['cluster.local/ns/bar/sa/sleep'] }), { view: view(world) });
  t.same(lines(findings), [
    "[MG106] deny spec.rules[0].from[0].source.principals: principals matches the peer's mTLS identity, but Deployment/httpbin in foo (port 8080) " +
      "is PERMISSIVE (no PeerAuthentication applies: Istio's default), and a plaintext request carries no identity: plaintext requests never " +
      'match this rule and bypass the DENY policy: a caller without a sidecar gets through (a security hole). Set PeerAuthentication mode ' +
      'STRICT for these workloads, or also deny plaintext with a DENY rule on from: [{source: {notPrincipals: ["*"]}}].',
  ]);
});

t.test('MG106 admits the same DENY once the workload is STRICT', async (t) => {
  t.same(review(mg106, policy('DENY', { principals: ['cluster.local/ns/bar/sa/sleep'] }), { view: view([...world, strict]) }), []);
});

t.test('MG106 judges only the ports the rule names', async (t) => {
  const portLevel = istio('PeerAuthentication', 'foo', 'httpbin', {
    selector: { matchLabels: { app: 'httpbin' } },
    mtls: { mode: 'STRICT' },
    portLevelMtls: { '9000': { mode: 'PERMISSIVE' } },
  });
  const cluster = view([...world, portLevel]);
  t.same(review(mg106, policy('DENY', { namespaces: ['bar'] }, [{ operation: { ports: ['8080'] } }]), { view: cluster }), [], 'port 8080 is STRICT');
  const findings = review(mg106, policy('DENY', { namespaces: ['bar'] }, [{ operation: { ports: ['9000'] } }]), { view: cluster });
  t.match(findings[0]?.message, /^namespaces matches the peer's mTLS identity, but Deployment\/httpbin in foo \(port 9000\) is PERMISSIVE \(PeerAuthentication foo\/httpbin, portLevelMtls\)/);
});

t.test('MG106 warns for an ALLOW on principals (plaintext is locked out) and leaves the notPrincipals DENY idiom alone', async (t) => {
  const allow = review(mg106, policy('ALLOW', { principals: ['cluster.local/ns/bar/sa/sleep'] }), { view: view(world) });
  t.same(allow.map((f) => f.severity), ['warn']);
  t.match(allow[0]!.message, /plaintext requests never match this rule and are denied\. Set PeerAuthentication mode STRICT once every caller has a sidecar/);
  t.same(review(mg106, policy('DENY', { notPrincipals: ['*'] }), { view: view(world) }), [], 'DENY notPrincipals ["*"] is how plaintext is refused');
});

t.test('MG106 finds source.namespace conditions and ignores workloads without a sidecar', async (t) => {
  const when = istio('AuthorizationPolicy', 'foo', 'deny-bar', { action: 'DENY', rules: [{ when: [{ key: 'source.namespace', values: ['bar'] }] }] });
  t.same(review(mg106, when, { view: view(world) }).map((f) => f.path), ['spec.rules[0].when[0].values']);
  const unmeshed = [namespace('foo', {}), deployment('foo', 'httpbin')];
  t.same(review(mg106, when, { view: view(unmeshed) }), [], 'no sidecar, no authorization policy enforcement to bypass');
});
