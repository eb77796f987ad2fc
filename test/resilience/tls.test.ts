import type { SecureVersion } from 'node:tls';
import t from 'tap';
import { startTestServer, type TestServer } from '../helpers/https-server.js';
import { openTls } from '../helpers/raw-tls.js';
import { hostileHarness } from './harness.js';

let server: TestServer;
t.before(async () => {
  server = await startTestServer();
});
t.teardown(() => server.close());

const { expectNormalReviewStillSucceeds } = hostileHarness(() => server);

/**
 * Node 20's OpenSSL will not even offer TLS 1.0/1.1 at its default security level; SECLEVEL=0 makes
 * the client really offer them, so a refusal comes from the server (alert 70, protocol_version).
 */
function handshake(version: SecureVersion) {
  return openTls(server.server.admissionUrl, server.caPem, { minVersion: version, maxVersion: version, ciphers: 'DEFAULT@SECLEVEL=0' }).then(
    (socket) => {
      const protocol = socket.getProtocol();
      socket.destroy();
      return { protocol, code: undefined };
    },
    (error: NodeJS.ErrnoException) => ({ protocol: undefined, code: error.code }),
  );
}

for (const version of ['TLSv1', 'TLSv1.1'] as const) {
  t.test(`a client offering only ${version} is refused with a protocol_version alert`, async (t) => {
    t.same(await handshake(version), { protocol: undefined, code: 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION' });
    await expectNormalReviewStillSucceeds(t);
  });
}

for (const version of ['TLSv1.2', 'TLSv1.3'] as const) {
  t.test(`a client offering only ${version} completes the handshake (the same client settings as the refused ones)`, async (t) => {
    t.same(await handshake(version), { protocol: version, code: undefined });
  });
}

t.test('a client-initiated TLS 1.2 renegotiation is refused and the connection closed', async (t) => {
  const socket = await openTls(server.server.admissionUrl, server.caPem, { maxVersion: 'TLSv1.2' });
  let error: NodeJS.ErrnoException | undefined;
  socket.on('error', (e) => (error = e));
  const outcome = await new Promise<string>((resolve) => {
    socket.once('close', () => resolve('closed'));
    socket.renegotiate({}, (e) => resolve(e ? `renegotiation failed: ${e.message}` : 'renegotiated'));
  });
  t.equal(outcome, 'closed');
  t.equal(error?.code, 'ERR_SSL_NO_RENEGOTIATION');
  await expectNormalReviewStillSucceeds(t);
});
