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

const permissive = istio('PeerAuthentication', 'foo', 'default', { mtls: { mode: 'PERMISSIVE' } }, '2024-01-01T00:00:00Z');
const leaveStrict = (cluster: object[], update = permissive) => review(mg106, update, { view: view([...world, strict, ...cluster] as never), operation: 'UPDATE', oldObject: strict });

t.test('MG106 denies a PeerAuthentication update from STRICT to PERMISSIVE under a DENY on principals: plaintext now bypasses it', async (t) => {
  t.same(lines(leaveStrict([policy('DENY', { principals: ['cluster.local/ns/bar/sa/sleep'] })])), [
    '[MG106] deny spec.mtls.mode: this PeerAuthentication makes Deployment/httpbin in foo (port 8080) accept plaintext (PERMISSIVE), but ' +
      "principals in AuthorizationPolicy foo/deny-sleep (spec.rules[0].from[0].source.principals) matches the peer's mTLS identity, and a " +
      'plaintext request carries no identity: plaintext now bypasses DENY policy foo/deny-sleep: a caller without a sidecar is never matched ' +
      'by it (a security hole). Keep STRICT here, or first make that policy also deny plaintext with a DENY rule on from: [{source: ' +
      '{notPrincipals: ["*"]}}].',
  ]);
});

t.test('MG106 admits leaving STRICT under the notPrincipals DENY idiom, under policies without identity conditions, and an update that stays STRICT', async (t) => {
  t.same(leaveStrict([policy('DENY', { notPrincipals: ['*'] })]), [], 'DENY notPrincipals ["*"] refuses plaintext');
  t.same(leaveStrict([policy('DENY', { ipBlocks: ['10.0.0.0/8'] })]), [], 'no identity condition');
  const relabelled = istio('PeerAuthentication', 'foo', 'default', { mtls: { mode: 'STRICT' } }, '2024-01-01T00:00:00Z');
  t.same(leaveStrict([policy('DENY', { principals: ['cluster.local/ns/bar/sa/sleep'] })], relabelled), [], 'still STRICT');
});

t.test('MG106 warns when leaving STRICT locks plaintext callers out of an ALLOW on namespaces', async (t) => {
  const findings = leaveStrict([policy('ALLOW', { namespaces: ['bar'] })]);
  t.same(findings.map((f) => [f.severity, f.path]), [['warn', 'spec.mtls.mode']]);
  t.match(findings[0]!.message, /plaintext requests never match that rule, so ALLOW policy foo\/deny-sleep now locks plaintext callers out\. Keep STRICT here until every caller has a sidecar/);
});

t.test('MG106 judges the ports a rule names, declared or not, and policies of the root namespace with a selector', async (t) => {
  const portLevel = istio('PeerAuthentication', 'foo', 'httpbin', { selector: { matchLabels: { app: 'httpbin' } }, portLevelMtls: { '9000': { mode: 'DISABLE' } } });
  const onPort = (port: string) => istio('AuthorizationPolicy', 'istio-system', 'deny-bar', {
    selector: { matchLabels: { app: 'httpbin' } },
    action: 'DENY',
    rules: [{ from: [{ source: { namespaces: ['bar'] } }], to: [{ operation: { ports: [port] } }] }],
  });
  const cluster = view([...world, strict, onPort('9000')]);
  const findings = review(mg106, portLevel, { view: cluster });
  t.same(findings.map((f) => f.path), ['spec.portLevelMtls["9000"].mode']);
  t.match(findings[0]!.message, /^this PeerAuthentication makes Deployment\/httpbin in foo \(port 9000\) accept plaintext \(DISABLE\), but namespaces in AuthorizationPolicy istio-system\/deny-bar/);
  t.same(review(mg106, portLevel, { view: view([...world, strict, onPort('8080')]) }), [], 'port 8080 stays STRICT');
});

t.test('MG106 warns, never denies, when deleting the STRICT PeerAuthentication a DENY on principals relies on', async (t) => {
  const findings = review(mg106, strict, { view: view([...world, strict, policy('DENY', { principals: ['cluster.local/ns/bar/sa/sleep'] })]), operation: 'DELETE' });
  t.same(findings.map((f) => [f.severity, f.path]), [['warn', 'metadata.name']]);
  t.match(findings[0]!.message, /^deleting this PeerAuthentication makes Deployment\/httpbin in foo \(port 8080\) accept plaintext \(PERMISSIVE\), but principals in AuthorizationPolicy foo\/deny-sleep/);
});
