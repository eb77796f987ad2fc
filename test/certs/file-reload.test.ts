import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { eventually } from '../helpers/eventually.js';
import { capturedReview } from '../helpers/fixtures.js';
import { serveCertificateFiles } from '../helpers/https-server.js';
import { mountLikeKubelet, quickCertificates, writeServingFiles, type QuickCertificates } from '../helpers/quick-certs.js';
import { secretLeaks } from '../helpers/secret-scan.js';
import { postJson } from '../helpers/tls-client.js';

t.test('changed certificate files are served to new connections; open connections keep working', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'meshguard-reload-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const mount = mountLikeKubelet(dir);
  const [first, second, third] = [quickCertificates(), quickCertificates(), quickCertificates()] as [QuickCertificates, QuickCertificates, QuickCertificates];
  mount.publish(first);

  const { started, metrics, logLines: lines } = serveCertificateFiles(dir);
  const server = await started;
  t.teardown(() => server.close());

  const url = `${server.admissionUrl}/validate`;
  const review = capturedReview('peerauthentication-v1-create-mesh-wide-istio-system');
  const ca = [first.caPem, second.caPem, third.caPem];
  const fingerprint = (pem: string) => new X509Certificate(pem).fingerprint256;
  const keepAlive = new Agent({ keepAlive: true, maxSockets: 1, ca });
  const newConnection = () => postJson(new Agent({ keepAlive: false, ca }), url, review);
  t.teardown(() => keepAlive.destroy());
  const opened = await postJson(keepAlive, url, review);
  t.equal(opened.peerFingerprint, fingerprint(first.certPem));

  mount.publish(second);
  await eventually(async () => (await newConnection()).peerFingerprint === fingerprint(second.certPem));
  const reused = await postJson(keepAlive, url, review);
  t.match(reused, { status: 200, reusedSocket: true, localPort: opened.localPort, peerFingerprint: fingerprint(first.certPem) }, 'the open connection keeps going');
  t.match(await metrics.registry.getSingleMetricAsString('meshguard_reloads_total'), 'meshguard_reloads_total{target="certificate",result="success"} 1');

  // A key that does not belong to the certificate: rejected, the second certificate stays.
  mount.publish({ certPem: third.certPem, keyPem: second.keyPem });
  await eventually(async () => (await metrics.registry.getSingleMetricAsString('meshguard_reloads_total')).includes('result="failure"} 1'));
  t.equal((await newConnection()).peerFingerprint, fingerprint(second.certPem), 'the last good certificate is still served');
  t.match(lines.find((l) => l.level === 50), { msg: 'serving certificate replacement rejected; keeping the one in use', reason: 'tls.key does not belong to tls.crt' });
  t.equal(server.readiness.status().ready, true);
  t.same(secretLeaks(lines, [first.keyPem, second.keyPem, third.keyPem]), [], 'no key material in the logs of loading, reloading and rejecting certificates');
});

t.test('without readable certificate files the server waits, says why, and starts once they appear', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'meshguard-wait-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const { started: starting, logLines: lines } = serveCertificateFiles(dir);
  await eventually(() => lines.find((l) => l.msg === 'no valid serving certificate yet; not ready until there is one'));
  const certificates = quickCertificates();
  writeServingFiles(dir, certificates);
  const server = await starting;
  t.teardown(() => server.close());
  const answer = await postJson(new Agent({ ca: certificates.caPem }), `${server.admissionUrl}/validate`, capturedReview('peerauthentication-v1-create-mesh-wide-istio-system'));
  t.equal(answer.status, 200);
});
