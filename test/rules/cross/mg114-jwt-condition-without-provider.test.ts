import t from 'tap';
import { mg114 } from '../../../src/rules/mg114-jwt-condition-without-provider.js';
import { deployment, istio, namespace, review, view } from '../../helpers/cluster.js';
import { lines } from '../../helpers/rules.js';

const world = [namespace('foo'), deployment('foo', 'httpbin'), deployment('foo', 'sleep'), namespace('legacy', {}), deployment('legacy', 'httpbin')];
const jwtRules = [{ issuer: 'testing@secure.istio.io', jwksUri: 'https://raw.githubusercontent.com/istio/istio/release-1.24/security/tools/jwt/samples/jwks.json' }];
const requestAuthentication = (ns: string, name: string, spec: object = {}) => istio('RequestAuthentication', ns, name, { jwtRules, ...spec }, '2024-01-01T00:00:00Z');
const httpbinOnly = { selector: { matchLabels: { app: 'httpbin' } } };
const policy = (action: string, rule: object, spec: object = httpbinOnly) => istio('AuthorizationPolicy', 'foo', 'require-jwt', { ...spec, action, rules: [rule] });
const requirePrincipal = (action: string) => policy(action, { from: [{ source: { requestPrincipals: ['testing@secure.istio.io/testing@secure.istio.io'] } }] });
const requireAnyToken = policy('DENY', { from: [{ source: { notRequestPrincipals: ['*'] } }] });

t.test('MG114 warns for an ALLOW on requestPrincipals where no RequestAuthentication validates JWTs: those requests are denied', async (t) => {
  t.same(lines(review(mg114, requirePrincipal('ALLOW'), { view: view(world) })), [
    '[MG114] warn spec.rules[0].from[0].source.requestPrincipals: requestPrincipals matches the JWT that a RequestAuthentication ' +
      'validated, but no RequestAuthentication with jwtRules applies to Deployment/httpbin in foo, so their requests never carry a ' +
      'validated token and the condition never matches: the ALLOW rule never admits the requests it names, so they are denied. Apply a ' +
      'RequestAuthentication with jwtRules for these workloads first (in namespace foo, or in istio-system for the whole mesh).',
  ]);
});

t.test('MG114 denies a DENY on requestPrincipals without a JWT provider: the DENY is silently bypassed', async (t) => {
  const [finding] = review(mg114, requirePrincipal('DENY'), { view: view(world) });
  t.equal(finding?.severity, 'deny');
  t.match(finding?.message, /and the condition never matches: the DENY rule never matches the requests it names, so they are allowed\. Apply/);
});

t.test('MG114 denies the require-JWT DENY (notRequestPrincipals: ["*"]) without a JWT provider: it denies every request', async (t) => {
  t.same(lines(review(mg114, requireAnyToken, { view: view(world) })), [
    '[MG114] deny spec.rules[0].from[0].source.notRequestPrincipals: notRequestPrincipals matches the JWT that a RequestAuthentication ' +
      'validated, but no RequestAuthentication with jwtRules applies to Deployment/httpbin in foo, so their requests never carry a ' +
      'validated token and the exclusion never applies: the DENY rule denies every request its other conditions match, valid token or ' +
      'not. Apply a RequestAuthentication with jwtRules for these workloads first (in namespace foo, or in istio-system for the whole mesh).',
  ]);
});

t.test('MG114 admits the require-JWT DENY once a RequestAuthentication applies: workload, namespace-wide, or mesh-wide', async (t) => {
  t.same(review(mg114, requireAnyToken, { view: view([...world, requestAuthentication('foo', 'httpbin', httpbinOnly)]) }), [], 'workload');
  t.same(review(mg114, requireAnyToken, { view: view([...world, requestAuthentication('foo', 'default')]) }), [], 'namespace-wide');
  t.same(review(mg114, requireAnyToken, { view: view([...world, requestAuthentication('istio-system', 'default')]) }), [], 'mesh-wide');
  t.same(review(mg114, requireAnyToken, { view: view([...world, requestAuthentication('istio-system', 'httpbin', httpbinOnly)]) }), [], 'root selector');
});

t.test('MG114 counts only RequestAuthentications that validate JWTs at these sidecars', async (t) => {
  const useless = [
    istio('RequestAuthentication', 'foo', 'no-rules', {}),
    requestAuthentication('foo', 'sleep', { selector: { matchLabels: { app: 'sleep' } } }),
    requestAuthentication('foo', 'gateway', { targetRefs: [{ kind: 'Gateway', group: 'gateway.networking.k8s.io', name: 'waypoint' }] }),
    requestAuthentication('legacy', 'default'),
  ];
  t.same(review(mg114, requireAnyToken, { view: view([...world, ...useless]) }).map((f) => f.severity), ['deny']);
});

t.test('MG114 names only the workloads in scope that no RequestAuthentication covers, and skips those without a sidecar', async (t) => {
  const namespaceWide = policy('ALLOW', { from: [{ source: { requestPrincipals: ['*'] } }] }, {});
  const findings = review(mg114, namespaceWide, { view: view([...world, requestAuthentication('foo', 'httpbin', httpbinOnly)]) });
  t.match(findings[0]?.message, /no RequestAuthentication with jwtRules applies to Deployment\/sleep in foo, so/);
  const meshWide = istio('AuthorizationPolicy', 'istio-system', 'require-jwt', { action: 'DENY', rules: [{ from: [{ source: { notRequestPrincipals: ['*'] } }] }] });
  t.match(review(mg114, meshWide, { view: view(world) })[0]?.message, /applies to Deployment\/httpbin in foo, Deployment\/sleep in foo, so .* \(in their namespaces, or in istio-system for the whole mesh\)\.$/, 'not Deployment/httpbin in legacy: it has no sidecar');
  t.same(review(mg114, meshWide, { view: view([...world, requestAuthentication('foo', 'default')]) }), [], 'foo is covered');
});

t.test('MG114 reads request.auth.* conditions and judges a not form in an ALLOW as a hole', async (t) => {
  const claims = policy('ALLOW', { when: [{ key: 'request.auth.claims[groups]', values: ['admin'] }, { key: 'request.headers[x-user]', values: ['a'] }] });
  t.same(review(mg114, claims, { view: view(world) }).map((f) => [f.severity, f.path]), [['warn', 'spec.rules[0].when[0].values']]);
  const [excluded] = review(mg114, policy('ALLOW', { from: [{ source: { notRequestPrincipals: ['attacker@example.com/*'] } }] }), { view: view(world) });
  t.equal(excluded?.severity, 'deny');
  t.match(excluded?.message, /the exclusion never applies and the ALLOW rule admits requests it was meant to refuse\./);
  t.same(review(mg114, policy('ALLOW', { from: [{ source: { principals: ['cluster.local/ns/foo/sa/sleep'] } }] }), { view: view(world) }), [], 'peer identity is not a JWT');
});

t.test('MG114 warns, never denies, when deleting a RequestAuthentication leaves a policy that needs it without a JWT provider', async (t) => {
  const provider = requestAuthentication('foo', 'default');
  const stored = istio('AuthorizationPolicy', 'foo', 'require-jwt', { ...httpbinOnly, action: 'DENY', rules: [{ from: [{ source: { notRequestPrincipals: ['*'] } }] }] }, '2024-01-01T00:00:00Z');
  t.same(lines(review(mg114, provider, { view: view([...world, provider, stored]), operation: 'DELETE' })), [
    '[MG114] warn metadata.name: deleting this RequestAuthentication leaves Deployment/httpbin in foo with no RequestAuthentication that ' +
      'validates JWTs, but AuthorizationPolicy foo/require-jwt matches on notRequestPrincipals there ' +
      '(spec.rules[0].from[0].source.notRequestPrincipals): their requests will never carry a validated token, so the exclusion never ' +
      'applies: the DENY rule denies every request its other conditions match, valid token or not. Change or delete AuthorizationPolicy ' +
      'foo/require-jwt first, or keep a RequestAuthentication with jwtRules for these workloads.',
  ]);
  const meshWide = requestAuthentication('istio-system', 'default');
  t.same(review(mg114, provider, { view: view([...world, provider, meshWide, stored]), operation: 'DELETE' }), [], 'the mesh-wide one still applies');
  t.same(review(mg114, provider, { view: view([...world, provider]), operation: 'DELETE' }), [], 'no policy needs it');
  t.same(review(mg114, stored, { view: view(world), operation: 'DELETE' }), [], 'deleting the policy itself');
  const forGateway = requestAuthentication('foo', 'gateway-jwt', { targetRefs: [{ kind: 'Gateway', group: 'gateway.networking.k8s.io', name: 'ingress' }] });
  t.same(review(mg114, forGateway, { view: view([...world, forGateway, stored]), operation: 'DELETE' }), [], 'one that attaches to a gateway: no sidecar relied on it');
  const meshGateway = requestAuthentication('istio-system', 'gateway-jwt', { targetRefs: [{ kind: 'Gateway', group: 'gateway.networking.k8s.io', name: 'ingress' }] });
  t.same(review(mg114, meshGateway, { view: view([...world, meshGateway, stored]), operation: 'DELETE' }), [], 'nor in the root namespace');
  const meshPolicy = istio('AuthorizationPolicy', 'istio-system', 'require-jwt', { rules: [{ from: [{ source: { requestPrincipals: ['*'] } }] }] });
  t.match(review(mg114, provider, { view: view([...world, provider, meshPolicy]), operation: 'DELETE' })[0]?.message, /^deleting this RequestAuthentication leaves Deployment\/httpbin in foo, Deployment\/sleep in foo with no RequestAuthentication that validates JWTs, but AuthorizationPolicy istio-system\/require-jwt matches on requestPrincipals there/, 'a mesh-wide policy');
});

t.test('MG114 warns when an UPDATE of a RequestAuthentication stops covering workloads that a policy needs it for, naming the field', async (t) => {
  const provider = requestAuthentication('foo', 'default');
  const stored = istio('AuthorizationPolicy', 'foo', 'require-jwt', { ...httpbinOnly, action: 'DENY', rules: [{ from: [{ source: { notRequestPrincipals: ['*'] } }] }] }, '2024-01-01T00:00:00Z');
  const cluster = view([...world, provider, stored]);
  const update = (spec: object) => review(mg114, istio('RequestAuthentication', 'foo', 'default', spec, '2024-01-01T00:00:00Z'), { view: cluster, operation: 'UPDATE', oldObject: provider });
  t.same(lines(update({ jwtRules, selector: { matchLabels: { app: 'sleep' } } })), [
    '[MG114] warn spec.selector: this change leaves Deployment/httpbin in foo with no RequestAuthentication that validates JWTs, but ' +
      'AuthorizationPolicy foo/require-jwt matches on notRequestPrincipals there (spec.rules[0].from[0].source.notRequestPrincipals): ' +
      'their requests will never carry a validated token, so the exclusion never applies: the DENY rule denies every request its other ' +
      'conditions match, valid token or not. Change or delete AuthorizationPolicy foo/require-jwt first, or keep a RequestAuthentication ' +
      'with jwtRules for these workloads.',
  ]);
  t.match(update({ jwtRules: [] })[0], { rule: 'MG114', severity: 'warn', path: 'spec.jwtRules' }, 'jwtRules removed');
  t.match(update({ jwtRules, targetRefs: [{ kind: 'Gateway', group: 'gateway.networking.k8s.io', name: 'ingress' }] })[0], { path: 'spec.targetRefs' }, 'moved to a gateway');
});

t.test('MG114 admits an UPDATE of a RequestAuthentication that still covers the workloads a policy needs it for', async (t) => {
  const provider = requestAuthentication('foo', 'default');
  const stored = istio('AuthorizationPolicy', 'foo', 'require-jwt', { ...httpbinOnly, action: 'DENY', rules: [{ from: [{ source: { notRequestPrincipals: ['*'] } }] }] }, '2024-01-01T00:00:00Z');
  const updated = (spec: object, metadata: object = {}) => ({ ...istio('RequestAuthentication', 'foo', 'default', spec, '2024-01-01T00:00:00Z'), ...metadata });
  const update = (object: object, objects: object[] = []) => review(mg114, object as never, { view: view([...world, provider, stored, ...objects] as never), operation: 'UPDATE', oldObject: provider });
  t.same(update(updated({ jwtRules: [{ issuer: 'other@example.com', jwksUri: 'https://example.com/jwks.json' }] })), [], 'another issuer: still validates JWTs there');
  t.same(update(updated({ jwtRules, selector: { matchLabels: { app: 'httpbin' } } })), [], 'a selector that keeps the workload the policy guards');
  t.same(update(updated({ jwtRules: [] }), [requestAuthentication('istio-system', 'default')]), [], 'the mesh-wide one still applies');
  t.same(update(updated({ jwtRules }, { metadata: { name: 'default', namespace: 'foo', labels: { team: 'a' } } })), [], 'labels only');
});
