import t from 'tap';
import { HEADERS_TIMEOUT_MS, REQUEST_TIMEOUT_MS } from '../../src/server/listener-limits.js';
import { startTestServer, type TestServer } from '../helpers/https-server.js';
import { postHead, type RawStep } from '../helpers/raw-tls.js';
import { hostileHarness } from './harness.js';

/*
 * Clients that are slow on purpose: each must be cut off by a server timeout (3 to 5 s) before the
 * client gives up (9 s). They wait on timers, not CPU, so they run side by side.
 */
t.jobs = 5;

let server: TestServer;
t.before(async () => {
  server = await startTestServer();
});
t.teardown(() => server.close());

const { exchange, expectNormalReviewStillSucceeds } = hostileHarness(() => server);

t.test('a body shorter than its Content-Length is answered 408 and closed by the request timeout', async (t) => {
  const result = await exchange([postHead('/validate', 1000), '{"kind":']);
  t.equal(result.closedByServer, true, `closed by the server (request timeout ${REQUEST_TIMEOUT_MS} ms), not by the client`);
  t.equal(result.status, 408);
  await expectNormalReviewStillSucceeds(t);
});

t.test('slow-loris headers (one line every 500 ms) are cut off by the headers timeout', async (t) => {
  const steps: RawStep[] = ['POST /validate HTTP/1.1\r\n'];
  for (let i = 0; i < 30; i++) steps.push({ pauseMs: 500 }, `X-Slow-${i}: 1\r\n`);
  const result = await exchange(steps);
  t.equal(result.closedByServer, true, `closed by the server (headers timeout ${HEADERS_TIMEOUT_MS} ms), not by the client`);
  t.equal(result.status, 408);
  await expectNormalReviewStillSucceeds(t);
});

t.test('a slow-loris body (one byte every 500 ms) is cut off by the request timeout', async (t) => {
  const steps: RawStep[] = [postHead('/validate', 100)];
  for (let i = 0; i < 30; i++) steps.push({ pauseMs: 500 }, ' ');
  const result = await exchange(steps);
  t.equal(result.closedByServer, true, `closed by the server (request timeout ${REQUEST_TIMEOUT_MS} ms), not by the client`);
  t.equal(result.status, 408);
  await expectNormalReviewStillSucceeds(t);
});

t.test('a TCP connection that never starts the TLS handshake is closed by the handshake timeout', async (t) => {
  const result = await exchange([], { plain: true });
  t.equal(result.closedByServer, true);
  t.equal(result.response, '', 'nothing is sent back');
  await expectNormalReviewStillSucceeds(t);
});

t.test('100 idle TLS connections neither block a review nor stay open', async (t) => {
  const idle = Array.from({ length: 100 }, () => exchange([]));
  await expectNormalReviewStillSucceeds(t);
  const results = await Promise.all(idle);
  t.equal(results.filter((r) => r.closedByServer).length, 100, 'every idle connection was closed by the server');
  await expectNormalReviewStillSucceeds(t);
});

