import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import type { RunningServer } from '../../src/server/serve.js';
import { eventually } from '../helpers/eventually.js';
import { serveCertificateFiles } from '../helpers/https-server.js';
import { mountLikeKubelet, quickCertificates } from '../helpers/quick-certs.js';
import { handshakeOffering, renegotiationOutcome } from '../helpers/tls-probes.js';

/**
 * A reload replaces the listener's whole secure context (setSecureContext): the protocol floor and the
 * renegotiation refusal must come with the new certificate, not only with the first one. The client
 * trusts only the new certificate's CA, so every successful handshake below proves the new certificate.
 */
const dir = mkdtempSync(join(tmpdir(), 'meshguard-tls-reload-'));
const mount = mountLikeKubelet(dir);
const first = quickCertificates();
const next = quickCertificates();
let server: RunningServer;

t.before(async () => {
  mount.publish(first);
  server = await serveCertificateFiles(dir).started;
  t.equal((await handshakeOffering(server.admissionUrl, first.caPem, 'TLSv1.3')).protocol, 'TLSv1.3', 'the first certificate is served');
  mount.publish(next);
  await eventually(async () => (await handshakeOffering(server.admissionUrl, next.caPem, 'TLSv1.3')).protocol === 'TLSv1.3');
});
t.teardown(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const nextFingerprint = new X509Certificate(next.certPem).fingerprint256;

for (const version of ['TLSv1', 'TLSv1.1'] as const) {
  t.test(`after a certificate reload a client offering only ${version} is still refused with a protocol_version alert`, async (t) => {
    t.same(await handshakeOffering(server.admissionUrl, next.caPem, version), { protocol: undefined, code: 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION', certificate: undefined });
  });
}

for (const version of ['TLSv1.2', 'TLSv1.3'] as const) {
  t.test(`after a certificate reload a client offering only ${version} completes the handshake with the new certificate`, async (t) => {
    t.same(await handshakeOffering(server.admissionUrl, next.caPem, version), { protocol: version, code: undefined, certificate: nextFingerprint });
  });
}

t.test('after a certificate reload the old certificate is no longer presented', async (t) => {
  t.equal((await handshakeOffering(server.admissionUrl, first.caPem, 'TLSv1.2')).code, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
});

t.test('after a certificate reload a client-initiated TLS 1.2 renegotiation is still refused and the connection closed', async (t) => {
  t.same(await renegotiationOutcome(server.admissionUrl, next.caPem), { outcome: 'closed', code: 'ERR_SSL_NO_RENEGOTIATION' });
});
