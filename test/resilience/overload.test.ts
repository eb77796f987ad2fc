import type { TLSSocket } from 'node:tls';
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import type { AdmissionReview } from '../../src/admission/types.js';
import { startTestServer, type TestServer } from '../helpers/https-server.js';
import { openTls, postHead } from '../helpers/raw-tls.js';
import { hostileHarness, jsonBodyOf, normalReview } from './harness.js';

const MAX_IN_FLIGHT = 2;

let server: TestServer;
t.before(async () => {
  server = await startTestServer({ settings: { server: { maxInFlight: MAX_IN_FLIGHT } } });
});
t.teardown(() => server.close());

const { expectNormalReviewStillSucceeds } = hostileHarness(() => server);

async function metric(name: string): Promise<number> {
  const text = (await server.getHealth('/metrics')).body;
  const match = new RegExp(`^${name} (\\d+)$`, 'm').exec(text);
  return match ? Number(match[1]) : NaN;
}

async function waitForInFlight(count: number): Promise<void> {
  while ((await metric('meshguard_admission_in_flight_requests')) !== count) await sleep(20);
}

/** A review whose body stops half-way: it holds an in-flight slot until `finish` or `abort`. */
async function stalledReview(uid: string) {
  const review = normalReview();
  review.request!.uid = uid;
  const body = Buffer.from(JSON.stringify(review));
  const socket: TLSSocket = await openTls(server.server.admissionUrl, server.caPem);
  let response = '';
  socket.on('data', (chunk: Buffer) => (response += chunk.toString()));
  socket.write(postHead('/validate', body.length, 'Connection: close\r\n'));
  socket.write(body.subarray(0, body.length / 2));
  return {
    async finish(): Promise<string> {
      const closed = new Promise((resolve) => socket.once('close', resolve));
      socket.end(body.subarray(body.length / 2));
      await closed;
      return response;
    },
    abort: () => socket.destroy(),
  };
}

t.test(`past ${MAX_IN_FLIGHT} requests in flight a review gets 429 with Retry-After at once, and the others still complete`, async (t) => {
  const rejectedBefore = await metric('meshguard_admission_overload_rejections_total');
  const stalled = [await stalledReview('stalled-1'), await stalledReview('stalled-2')];
  await waitForInFlight(MAX_IN_FLIGHT);

  const res = await server.post('/validate', normalReview());
  t.equal(res.status, 429);
  t.equal(res.headers['retry-after'], '1');
  t.same(res.json(), { error: 'TooManyRequests', message: 'meshguard is already handling 2 requests (server.maxInFlight); retry after 1 s' });
  t.equal(await metric('meshguard_admission_overload_rejections_total'), rejectedBefore + 1, 'counted');
  t.ok(
    server.logLines.some((l) => l.msg === 'overloaded: rejecting admission requests with 429' && l.maxInFlight === MAX_IN_FLIGHT),
    'logged with the bound',
  );

  const [first, second] = await Promise.all(stalled.map((s) => s.finish()));
  t.same((jsonBodyOf(first!) as AdmissionReview).response, { uid: 'stalled-1', allowed: true }, 'the first held request completes');
  t.same((jsonBodyOf(second!) as AdmissionReview).response, { uid: 'stalled-2', allowed: true }, 'the second held request completes');
  await waitForInFlight(0);
  await expectNormalReviewStillSucceeds(t);
});

t.test('clients that abandon their request release their slot', async (t) => {
  const stalled = [await stalledReview('abandoned-1'), await stalledReview('abandoned-2')];
  await waitForInFlight(MAX_IN_FLIGHT);
  for (const s of stalled) s.abort();
  await waitForInFlight(0);
  await expectNormalReviewStillSucceeds(t);
});

t.test('40 concurrent clients against a bound of 2: each gets its verdict or a 429 and no slot leaks', async (t) => {
  const reviews = Array.from({ length: 40 }, (_, i) => {
    const review = normalReview();
    review.request!.uid = `burst-${i}`;
    // 64 KiB of annotation: several TLS records per body, so requests overlap.
    review.request!.object!.metadata!.annotations = { padding: 'x'.repeat(64 * 1024) };
    return review;
  });
  const results = await Promise.all(reviews.map((review) => server.post('/validate', review)));
  for (const [i, res] of results.entries()) {
    if (res.status === 429) t.equal(res.headers['retry-after'], '1', `burst-${i}: 429 with Retry-After`);
    else t.same({ status: res.status, response: res.json<AdmissionReview>().response }, { status: 200, response: { uid: `burst-${i}`, allowed: true } }, `burst-${i}: verdict`);
  }
  await waitForInFlight(0);
  await expectNormalReviewStillSucceeds(t);
});
