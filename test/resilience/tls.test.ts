import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { startTestServer, type TestServer } from '../helpers/https-server.js';
import { handshakeOffering, renegotiationOutcome } from '../helpers/tls-probes.js';
import { hostileHarness } from './harness.js';

let server: TestServer;
t.before(async () => {
  server = await startTestServer();
});
t.teardown(() => server.close());

const { expectNormalReviewStillSucceeds } = hostileHarness(() => server);
const served = () => new X509Certificate(readFileSync(join(server.certDir, 'tls.crt'))).fingerprint256;

for (const version of ['TLSv1', 'TLSv1.1'] as const) {
  t.test(`a client offering only ${version} is refused with a protocol_version alert`, async (t) => {
    t.same(await handshakeOffering(server.server.admissionUrl, server.caPem, version), { protocol: undefined, code: 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION', certificate: undefined });
    await expectNormalReviewStillSucceeds(t);
  });
}

for (const version of ['TLSv1.2', 'TLSv1.3'] as const) {
  t.test(`a client offering only ${version} completes the handshake (the same client settings as the refused ones)`, async (t) => {
    t.same(await handshakeOffering(server.server.admissionUrl, server.caPem, version), { protocol: version, code: undefined, certificate: served() });
  });
}

t.test('a client-initiated TLS 1.2 renegotiation is refused and the connection closed', async (t) => {
  t.same(await renegotiationOutcome(server.server.admissionUrl, server.caPem), { outcome: 'closed', code: 'ERR_SSL_NO_RENEGOTIATION' });
  await expectNormalReviewStillSucceeds(t);
});
