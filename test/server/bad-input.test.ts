import t, { type Test } from 'tap';
import type { AdmissionReview } from '../../src/admission/types.js';
import { capturedReview } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/https-server.js';

let server: TestServer;
t.before(async () => {
  server = await startTestServer();
});
t.teardown(() => server.close());

const validBody = () => capturedReview('peerauthentication-v1-create-mesh-wide-istio-system');

async function expectClientError(t: Test, body: unknown, status: number, message: RegExp, headers?: Record<string, string>) {
  const res = await server.post('/validate', body, headers);
  t.equal(res.status, status, 'status');
  t.match(res.json(), { message });
  t.equal(res.headers['content-type']?.toString().split(';')[0], 'application/json');
}

t.test('a body that is not JSON gets a 400 JSON error', (t) => expectClientError(t, '{"kind": "AdmissionRev', 400, /JSON/));
t.test('a wrong content type gets 415', (t) =>
  expectClientError(t, JSON.stringify(validBody()), 415, /application\/json/, { 'content-type': 'text/plain' }));
t.test('JSON that is not an AdmissionReview gets 400', (t) => expectClientError(t, { hello: 'world' }, 400, /kind must be "AdmissionReview"/));
t.test('a JSON array gets 400', (t) => expectClientError(t, [1, 2], 400, /must be a JSON object/));
t.test('a missing request gets 400', (t) => expectClientError(t, { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' }, 400, /request is missing/));
t.test('a missing uid gets 400', (t) => {
  const body = validBody();
  delete (body.request as { uid?: string }).uid;
  return expectClientError(t, body, 400, /request\.uid/);
});
t.test('admission.k8s.io/v1beta1 gets 400 naming admissionReviewVersions', (t) =>
  expectClientError(t, { ...validBody(), apiVersion: 'admission.k8s.io/v1beta1' }, 400, /admissionReviewVersions/));
t.test('an unknown operation gets 400', (t) => {
  const body = validBody();
  (body.request as { operation: string }).operation = 'PATCH';
  return expectClientError(t, body, 400, /operation/);
});
t.test('a body over the limit gets 413', (t) => {
  const huge = JSON.stringify({ ...validBody(), padding: 'x'.repeat(9 * 1024 * 1024) });
  return expectClientError(t, huge, 413, /larger than/);
});

t.test('a 7 MiB review (object and oldObject at the API server limit) is accepted', async (t) => {
  const body = validBody();
  body.request!.object!.metadata!.annotations = { big: 'x'.repeat(3 * 1024 * 1024) };
  body.request!.oldObject = structuredClone(body.request!.object);
  const res = await server.post('/validate', body);
  t.equal(res.status, 200);
  t.equal(res.json<AdmissionReview>().response?.allowed, true);
});

t.test('an object of the wrong shape gets a well-formed AdmissionReview denial with the reason', async (t) => {
  const body = validBody();
  (body.request!.object as { spec: unknown }).spec = { mtls: { mode: 42 } };
  const res = await server.post('/validate', body);
  t.equal(res.status, 200);
  t.same(res.json<AdmissionReview>().response, {
    uid: body.request!.uid,
    allowed: false,
    status: { code: 400, reason: 'BadRequest', message: 'meshguard cannot check this PeerAuthentication: spec.mtls.mode must be string' },
  });
});

t.test('a review without its object gets a well-formed denial', async (t) => {
  const body = validBody();
  body.request!.object = null;
  const response = (await server.post('/validate', body)).json<AdmissionReview>().response;
  t.equal(response?.allowed, false);
  t.equal(response?.status?.message, 'meshguard cannot check this PeerAuthentication: request.object is missing');
});

t.test('wrong method and unknown paths get 404 JSON', async (t) => {
  const res = await server.post('/nope', validBody());
  t.equal(res.status, 404);
  t.match(res.json(), { error: 'NotFound' });
});

t.test('client mistakes are not logged at error level, and the server keeps serving', async (t) => {
  t.notOk(server.logLines.some((l) => (l.level as number) >= 50), 'no error-level lines');
  const res = await server.post('/validate', validBody());
  t.equal(res.json<AdmissionReview>().response?.allowed, true);
});
