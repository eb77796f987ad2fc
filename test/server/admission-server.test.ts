import t from 'tap';
import type { AdmissionReview } from '../../src/admission/types.js';
import { capturedReview, reviewWithObject } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/https-server.js';

let server: TestServer;
t.before(async () => {
  server = await startTestServer();
});
t.teardown(() => server.close());

const meshWideDisable = {
  apiVersion: 'security.istio.io/v1',
  kind: 'PeerAuthentication',
  metadata: { name: 'default', namespace: 'istio-system' },
  spec: { mtls: { mode: 'DISABLE' } },
};

const denyGetWithoutPorts = {
  apiVersion: 'security.istio.io/v1',
  kind: 'AuthorizationPolicy',
  metadata: { name: 'deny-get', namespace: 'foo' },
  spec: { selector: { matchLabels: { app: 'tcp-echo' } }, action: 'DENY', rules: [{ to: [{ operation: { methods: ['GET'] } }] }] },
};

t.test('MG201 denies a mesh-wide PeerAuthentication with mode DISABLE, with 403 Forbidden and the fix', async (t) => {
  const review = reviewWithObject('peerauthentication-v1-create-mesh-wide-istio-system', meshWideDisable);
  const res = await server.post('/validate', review);
  t.equal(res.status, 200);
  t.same(res.json(), {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    response: {
      uid: '0b067abf-eda4-4bd5-9385-b0d3558304ff',
      allowed: false,
      status: {
        code: 403,
        reason: 'Forbidden',
        message:
          '[MG201] spec.mtls.mode: mesh-wide PeerAuthentication in the root namespace istio-system sets DISABLE, so every sidecar in the mesh ' +
          'accepts only plaintext and mutual TLS is switched off everywhere that no namespace or workload policy overrides it. ' +
          'Use PERMISSIVE during a migration, or DISABLE only in a namespace or workload policy (with a selector) where plaintext is required.',
      },
    },
  });
});

t.test('MG201 admits the captured mesh-wide STRICT policy', async (t) => {
  const res = await server.post('/validate', capturedReview('peerauthentication-v1-create-mesh-wide-istio-system'));
  t.same(res.json<AdmissionReview>().response, { uid: '0b067abf-eda4-4bd5-9385-b0d3558304ff', allowed: true });
});

t.test('MG201 admits DISABLE in an ordinary namespace', async (t) => {
  const review = reviewWithObject('peerauthentication-v1-create-mesh-wide-istio-system', { ...meshWideDisable, metadata: { name: 'default', namespace: 'legacy' } });
  t.equal(res(await server.post('/validate', review)).allowed, true);
});

t.test('MG101 denies a DENY rule with only methods and explains the TCP consequence', async (t) => {
  const review = reviewWithObject('authorizationpolicy-v1-create-client-side-apply', denyGetWithoutPorts);
  const response = res(await server.post('/validate', review));
  t.equal(response.allowed, false);
  t.equal(response.status?.code, 403);
  t.equal(
    response.status?.message,
    '[MG101] spec.rules[0].to[0].operation.methods: DENY rule uses only HTTP attributes (methods), so on TCP ports Istio drops them and the rule ' +
      'matches every connection: all TCP traffic to the selected workloads is denied. Add ports: [...] listing the HTTP ports to the same operation to limit the rule to them.',
  );
});

t.test('MG101 admits the same rule once ports are listed', async (t) => {
  const policy = structuredClone(denyGetWithoutPorts);
  (policy.spec.rules[0]!.to[0]!.operation as Record<string, unknown>).ports = ['9000'];
  const response = res(await server.post('/validate', reviewWithObject('authorizationpolicy-v1-create-client-side-apply', policy)));
  t.same(response, { uid: response.uid, allowed: true });
});

t.test('v1beta1 reviews are judged like v1 and answered with the request uid', async (t) => {
  const review = capturedReview('authorizationpolicy-v1beta1-create-client-side-apply');
  const response = res(await server.post('/validate', review));
  t.equal(response.uid, review.request!.uid);
});

t.test('kinds without rules are allowed at once', async (t) => {
  const review = capturedReview('pod-create-no-annotations-kubectl-run');
  // Pods have the mutation (MG501); a ConfigMap has no rule at all.
  review.request!.kind = { group: '', version: 'v1', kind: 'ConfigMap' };
  t.same(res(await server.post('/mutate', review)), { uid: review.request!.uid, allowed: true });
});

t.test('settings: warn mode admits a deny finding with a single-line warning', async (t) => {
  const warnServer = await startTestServer({ settings: { mode: 'warn' } });
  t.teardown(() => warnServer.close());
  const response = res(await warnServer.post('/validate', reviewWithObject('peerauthentication-v1-create-mesh-wide-istio-system', meshWideDisable)));
  t.equal(response.allowed, true);
  t.equal(response.warnings?.length, 1);
  t.match(response.warnings?.[0], /^\[MG201\] spec\.mtls\.mode: mesh-wide PeerAuthentication/);
  t.notMatch(response.warnings?.[0], /[\n\t]/);
});

t.test('settings: an exemption by rule, namespace and name admits without a finding', async (t) => {
  const exempt = await startTestServer({ settings: { exemptions: [{ rule: 'MG101', namespace: 'foo', name: 'deny-get' }] } });
  t.teardown(() => exempt.close());
  const response = res(await exempt.post('/validate', reviewWithObject('authorizationpolicy-v1-create-client-side-apply', denyGetWithoutPorts)));
  t.same(response, { uid: response.uid, allowed: true });
});

t.test('DELETE reviews read the oldObject and are admitted', async (t) => {
  const review = capturedReview('peerauthentication-v1-delete-mesh-wide');
  t.equal(res(await server.post('/validate', review)).allowed, true);
});

t.test('one JSON log line per review, without the object body', async (t) => {
  const review = capturedReview('authorizationpolicy-v1-create-dry-run-server');
  await server.post('/validate', review);
  const line = server.logLines.find((l) => l.uid === review.request!.uid);
  t.ok(line, 'logged');
  t.match(line, {
    msg: 'review',
    webhook: 'validate',
    kind: 'security.istio.io/v1/AuthorizationPolicy',
    operation: 'CREATE',
    dryRun: true,
    allowed: true,
    user: 'kubernetes-admin',
  });
  t.type(line?.durationMs, 'number');
  t.notOk(JSON.stringify(line).includes('"spec"'), 'no object body at info level');
});

t.test('metrics count reviews by decision and findings by rule', async (t) => {
  await server.post('/validate', reviewWithObject('peerauthentication-v1-create-mesh-wide-istio-system', meshWideDisable));
  const metrics = (await server.getHealth('/metrics')).body;
  t.match(metrics, /meshguard_admission_reviews_total\{webhook="validate",kind="PeerAuthentication",operation="CREATE",decision="denied"\} [1-9]/);
  t.match(metrics, /meshguard_findings_total\{rule="MG201",outcome="deny"\} [1-9]/);
  t.match(metrics, /meshguard_admission_review_duration_seconds_bucket/);
  t.match(metrics, /meshguard_certificate_expiry_timestamp_seconds \d+/);
});

t.test('health and readiness', async (t) => {
  t.equal((await server.getHealth('/healthz')).status, 200);
  const ready = await server.getHealth('/readyz');
  t.equal(ready.status, 200);
  t.same(ready.json(), { ready: true, checks: { certificate: { ready: true }, shutdown: { ready: true } } });
});

function res(result: { json<T>(): T }) {
  return result.json<AdmissionReview>().response!;
}
