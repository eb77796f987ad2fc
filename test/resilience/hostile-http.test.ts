import { connect as tlsConnect } from 'node:tls';
import t from 'tap';
import type { AdmissionReview } from '../../src/admission/types.js';
import { reviewWithObject } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/https-server.js';
import { endpointOf, postHead } from '../helpers/raw-tls.js';
import { hostileHarness, jsonBodyOf, normalReview } from './harness.js';

let server: TestServer;
t.before(async () => {
  server = await startTestServer();
});
t.teardown(() => server.close());

const { exchange, expectNormalReviewStillSucceeds } = hostileHarness(() => server);
const closeHeader = 'Connection: close\r\n';

/** A captured AuthorizationPolicy CREATE review carrying a policy with this name and spec, in namespace foo. */
function policyReview(name: string, spec: object) {
  return reviewWithObject('authorizationpolicy-v1-create-client-side-apply', {
    apiVersion: 'security.istio.io/v1',
    kind: 'AuthorizationPolicy',
    metadata: { name, namespace: 'foo' },
    spec,
  });
}

t.test('truncated JSON gets a 400 JSON error and the server keeps serving', async (t) => {
  const text = JSON.stringify(normalReview());
  const res = await server.post('/validate', text.slice(0, text.length / 2));
  t.equal(res.status, 400);
  t.same(res.json(), { error: 'BadRequest', message: "Body is not valid JSON but content-type is set to 'application/json'" });
  await expectNormalReviewStillSucceeds(t);
});

t.test('bytes that are not UTF-8 JSON get a 400 JSON error', async (t) => {
  const res = await server.post('/validate', Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0xc3, 0x28, 0x80]));
  t.equal(res.status, 400);
  t.match(res.json(), { error: 'BadRequest' });
  await expectNormalReviewStillSucceeds(t);
});

t.test('100k levels of nested arrays as the body get a 400, not a stack overflow', async (t) => {
  const res = await server.post('/validate', '['.repeat(100_000) + ']'.repeat(100_000));
  t.equal(res.status, 400);
  t.same(res.json(), { error: 'BadRequest', message: 'body must be a JSON object (an admission.k8s.io/v1 AdmissionReview)' });
  await expectNormalReviewStillSucceeds(t);
});

t.test('100k levels of nesting inside a policy get a well-formed AdmissionReview naming the field', async (t) => {
  const review = policyReview('deep', { action: 'DENY', rules: [{ from: [] }] });
  const deep = '['.repeat(100_000) + ']'.repeat(100_000);
  const body = JSON.stringify(review).replace('"from":[]', `"from":[{"source":{"principals":[${deep}]}}]`);
  const res = await server.post('/validate', body);
  t.equal(res.status, 200);
  t.same(res.json<AdmissionReview>().response, {
    uid: review.request!.uid,
    allowed: false,
    status: {
      code: 400,
      reason: 'BadRequest',
      message: 'meshguard cannot check this AuthorizationPolicy: spec.rules[0].from[0].source.principals[0] must be string',
    },
  });
  await expectNormalReviewStillSucceeds(t);
});

t.test('100k levels of nesting in a field meshguard does not read leave the verdict unchanged', async (t) => {
  const review = normalReview();
  const deep = '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000);
  const body = JSON.stringify(review).replace('"request":{', `"request":{"unread":${deep},`);
  const res = await server.post('/validate', body);
  t.same(res.json<AdmissionReview>().response, { uid: review.request!.uid, allowed: true });
  await expectNormalReviewStillSucceeds(t);
});

t.test('a 5 MiB path is judged like a short one (MG101 still denies the rule)', async (t) => {
  const review = policyReview('huge', { action: 'DENY', rules: [{ to: [{ operation: { paths: [`/${'x'.repeat(5 * 1024 * 1024)}`] } }] }] });
  const response = (await server.post('/validate', review)).json<AdmissionReview>().response;
  t.equal(response?.allowed, false);
  t.match(response?.status?.message, /^\[MG101\] spec\.rules\[0\]\.to\[0\]\.operation\.paths: DENY rule uses only HTTP attributes \(paths\)/);
  await expectNormalReviewStillSucceeds(t);
});

t.test('a declared 100 MB body gets 413 at once, before the body is sent', async (t) => {
  const result = await exchange([postHead('/validate', 100_000_000), '{"kind":"AdmissionReview"']);
  t.equal(result.status, 413);
  t.same(jsonBodyOf(result.response), { error: 'RequestEntityTooLarge', message: 'body is larger than the configured limit' });
  t.equal(result.closedByServer, true, 'and the connection is closed');
  await expectNormalReviewStillSucceeds(t);
});

t.test('a chunked body that grows past the limit gets 413 while it is still being sent', async (t) => {
  const socket = tlsConnect({ ...endpointOf(server.server.admissionUrl), ca: server.caPem, servername: 'localhost' });
  await new Promise((resolve) => socket.once('secureConnect', resolve));
  let response = '';
  socket.on('data', (chunk: Buffer) => (response += chunk.toString()));
  socket.on('error', () => undefined);
  socket.write('POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n');
  const chunk = Buffer.alloc(1024 * 1024, 0x20);
  let sentBytes = 0;
  // Send up to 64 MiB, stopping as soon as the server answers.
  while (response === '' && !socket.destroyed && sentBytes < 64 * 1024 * 1024) {
    socket.write(`${chunk.length.toString(16)}\r\n`);
    socket.write(chunk);
    const flushed = socket.write('\r\n');
    sentBytes += chunk.length;
    if (!flushed) await new Promise((resolve) => socket.once('drain', resolve).once('close', resolve));
  }
  await new Promise((resolve) => (socket.destroyed ? resolve(undefined) : socket.once('close', resolve)));
  t.match(response, /^HTTP\/1\.1 413 /, 'answered 413');
  t.ok(sentBytes < 64 * 1024 * 1024, `the server answered after ${sentBytes} bytes, without waiting for the rest`);
  await expectNormalReviewStillSucceeds(t);
});

t.test('plain HTTP to the admission port gets no HTTP answer: there is no plaintext endpoint', async (t) => {
  const body = JSON.stringify(normalReview());
  const result = await exchange([postHead('/validate', Buffer.byteLength(body), closeHeader), body], { plain: true });
  t.equal(result.closedByServer, true);
  t.equal(result.status, 0, 'no HTTP response');
  t.notMatch(result.response, /AdmissionReview/);
  await expectNormalReviewStillSucceeds(t);
});

t.test('an HTTP/1.0 review is answered and the connection closed', async (t) => {
  const review = normalReview();
  const body = JSON.stringify(review);
  const head = `POST /validate HTTP/1.0\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
  const result = await exchange([head, body]);
  t.equal(result.closedByServer, true);
  t.match(result.response, /^HTTP\/1\.[01] 200 /);
  t.same((jsonBodyOf(result.response) as AdmissionReview).response, { uid: review.request!.uid, allowed: true });
  await expectNormalReviewStillSucceeds(t);
});

t.test('two pipelined reviews on one connection are answered in order', async (t) => {
  const first = normalReview();
  const second = reviewWithObject('peerauthentication-v1-create-mesh-wide-istio-system', first.request!.object!, { uid: 'second-uid' });
  const bodies = [first, second].map((r) => JSON.stringify(r));
  const result = await exchange([postHead('/validate', Buffer.byteLength(bodies[0]!)), bodies[0]!, postHead('/validate', Buffer.byteLength(bodies[1]!), closeHeader), bodies[1]!]);
  const uids = [...result.response.matchAll(/"uid":"([^"]+)"/g)].map((m) => m[1]);
  t.same(uids, [first.request!.uid, 'second-uid']);
  await expectNormalReviewStillSucceeds(t);
});

t.test('wrong methods and unknown paths get a 404 JSON naming the endpoints', async (t) => {
  for (const [method, path] of [['GET', '/validate'], ['PUT', '/mutate'], ['DELETE', '/validate'], ['POST', '/'], ['POST', '/validate/../mutate']] as const) {
    const result = await exchange([`${method} ${path} HTTP/1.1\r\nHost: localhost\r\n${closeHeader}Content-Length: 0\r\n\r\n`]);
    t.equal(result.status, 404, `${method} ${path}`);
    t.match(jsonBodyOf(result.response), { error: 'NotFound', message: /POST \/validate or \/mutate/ });
  }
  await expectNormalReviewStillSucceeds(t);
});

t.test('a request line that is not HTTP is answered 400 and closed', async (t) => {
  const result = await exchange(['FOO\x00 /validate HTTP/9.9\r\n\r\n']);
  t.equal(result.status, 400);
  t.equal(result.closedByServer, true);
  await expectNormalReviewStillSucceeds(t);
});

t.test('headers over 16 KiB are answered 431 and closed', async (t) => {
  const result = await exchange([`POST /validate HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`]);
  t.equal(result.status, 431);
  t.equal(result.closedByServer, true);
  await expectNormalReviewStillSucceeds(t);
});

t.test('a request with both Content-Length and chunked encoding (request smuggling) is refused', async (t) => {
  const result = await exchange([postHead('/validate', 5, 'Transfer-Encoding: chunked\r\n'), '0\r\n\r\n']);
  t.equal(result.status, 400);
  t.equal(result.closedByServer, true);
  await expectNormalReviewStillSucceeds(t);
});

t.test('a __proto__ key in a policy map is dropped and the policy is still reviewed, not bounced with a 400', async (t) => {
  const review = policyReview('deny-get', { selector: { matchLabels: { app: 'tcp-echo' } }, action: 'DENY', rules: [{ to: [{ operation: { methods: ['GET'] } }] }] });
  const body = JSON.stringify(review).replace('"matchLabels":{', '"matchLabels":{"__proto__":{"polluted":"yes"},');
  const res = await server.post('/validate', body);
  t.equal(res.status, 200);
  const response = res.json<AdmissionReview>().response;
  t.equal(response?.allowed, false, 'MG101 still denies the rule');
  t.match(response?.status?.message, /^\[MG101\] /);
  t.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype untouched');
  await expectNormalReviewStillSucceeds(t);
});

t.test('no hostile client made the server log at error level', async (t) => {
  t.same(server.logLines.filter((l) => (l.level as number) >= 50), []);
});
