import { X509Certificate } from 'node:crypto';
import { Agent } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import type { WebhookConfigurationRef } from '../../src/certs/api.js';
import { SECRET_KEYS } from '../../src/certs/rotation-plan.js';
import { SelfManagedCertificates } from '../../src/certs/self-managed.js';
import { defaultRegistry } from '../../src/rules/catalog.js';
import { Metrics } from '../../src/server/metrics.js';
import { serve } from '../../src/server/serve.js';
import { validateSettings } from '../../src/settings.js';
import { FakeCertificateApi } from '../helpers/fake-certificate-api.js';
import { capturedReview } from '../helpers/fixtures.js';
import { capturingLogger } from '../helpers/log-capture.js';
import { secretLeaks } from '../helpers/secret-scan.js';
import { postJson, type TlsPostResult } from '../helpers/tls-client.js';

const DAY = 24 * 60 * 60 * 1000;
const VALIDATING: WebhookConfigurationRef = { kind: 'ValidatingWebhookConfiguration', name: 'meshguard' };
/** The name the API server dials (the Service), checked against the certificate like the API server does. */
const SERVERNAME = 'meshguard.meshguard.svc';

t.test('rotating the CA and the serving certificate under load: no review fails, open connections keep going, new ones get the new certificate', async (t) => {
  const api = new FakeCertificateApi([[VALIDATING, ['validate.meshguard.io']]]);
  // Issued 260 days ago, so "now" finds the CA in its last third (real time, so TLS accepts every certificate).
  const clock = { now: new Date(Date.now() - 260 * DAY) };
  const { logger, lines } = capturingLogger();
  const metrics = new Metrics({ processMetrics: false });
  const certificates = new SelfManagedCertificates({
    api,
    // The serving certificate lives as long as the CA lets it, so it is still valid (real time) when the test starts.
    settings: { namespace: 'meshguard', secretName: 'meshguard-certs', serviceName: 'meshguard', validatingWebhookConfiguration: VALIDATING.name, caValidityDays: 365, servingValidityDays: 397, checkIntervalSeconds: 3600 },
    logger,
    metrics,
    now: () => clock.now,
    caPublishMs: 0,
    keyBits: 1024,
  });
  const registry = defaultRegistry();
  const settings = validateSettings({ server: { host: '127.0.0.1', admissionPort: 0, healthPort: 0 } }, new Set(registry.all().map((r) => r.id)));
  const server = await serve({ settings, registry, certificates, logger, metrics });
  t.teardown(() => server.close());

  const url = `${server.admissionUrl}/validate`;
  const review = capturedReview('peerauthentication-v1-create-mesh-wide-istio-system');
  const fingerprintOf = (pem: string | undefined) => new X509Certificate(pem ?? '').fingerprint256;
  const firstCa = api.secret?.data[SECRET_KEYS.caCert];
  // Like the API server: trust the caBundle published in the webhook configuration, reuse connections.
  const keepAlive = new Agent({ keepAlive: true, maxSockets: 1, ca: api.trustedBy(VALIDATING), servername: SERVERNAME });
  t.teardown(() => keepAlive.destroy());
  const first = await postJson(keepAlive, url, review);
  t.equal(first.peerFingerprint, fingerprintOf(api.secret?.data[SECRET_KEYS.cert]));

  let phase = 'before';
  const results: Array<{ phase: string; result?: TlsPostResult; error?: unknown }> = [];
  let sending = true;
  const sender = (async () => {
    while (sending) {
      await postJson(keepAlive, url, review).then(
        (result) => results.push({ phase, result }),
        (error: unknown) => results.push({ phase, error }),
      );
      await sleep(5);
    }
  })();
  const reviewsIn = async (wanted: string) => {
    while (results.filter((r) => r.phase === wanted).length < 2) await sleep(5);
  };

  await reviewsIn('before');
  clock.now = new Date();
  await certificates.reconcile(); // stages the next CA in the caBundle, renews the serving certificate from the old CA
  phase = 'staged';
  await reviewsIn('staged');
  await certificates.reconcile(); // promotes the next CA and serves a certificate it issued
  phase = 'promoted';
  await reviewsIn('promoted');
  sending = false;
  await sender;

  const nextCa = api.secret?.data[SECRET_KEYS.caCert];
  t.not(nextCa, firstCa, 'the CA was rotated');
  t.same(results.filter((r) => r.error).map((r) => String(r.error)), [], 'no review failed');
  for (const { result } of results) {
    t.equal(result?.status, 200);
    t.same(JSON.parse(result?.body ?? '{}').response, { uid: review.request!.uid, allowed: true });
  }
  t.same(new Set(results.map((r) => r.result?.localPort)), new Set([first.localPort]), 'every review went over the one keep-alive connection');
  t.same(new Set(results.map((r) => r.result?.peerFingerprint)), new Set([first.peerFingerprint]), 'which keeps the certificate it was opened with');

  const fresh = new Agent({ keepAlive: false, ca: api.trustedBy(VALIDATING), servername: SERVERNAME });
  t.teardown(() => fresh.destroy());
  const after = await postJson(fresh, url, review);
  t.equal(after.status, 200);
  t.not(after.localPort, first.localPort);
  t.equal(after.peerFingerprint, fingerprintOf(api.secret?.data[SECRET_KEYS.cert]), 'a new connection gets the new certificate');
  t.ok(new X509Certificate(api.secret?.data[SECRET_KEYS.cert] ?? '').verify(new X509Certificate(nextCa ?? '').publicKey), 'issued by the new CA');
  t.ok(api.trustedBy(VALIDATING).includes(firstCa?.replaceAll('\r\n', '\n').trim() ?? '-'), 'the old CA is still in the caBundle');
  t.match(await metrics.registry.getSingleMetricAsString('meshguard_certificate_expiry_timestamp_seconds'), String(Math.floor(new Date(new X509Certificate(api.secret?.data[SECRET_KEYS.cert] ?? '').validTo).getTime() / 1000)));
  t.same(secretLeaks(lines), [], 'no key material in the logs of creating, renewing and rotating the certificates');
});
