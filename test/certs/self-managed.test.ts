import t from 'tap';
import type { WebhookConfigurationRef } from '../../src/certs/api.js';
import { servingNames } from '../../src/certs/generate.js';
import { SECRET_KEYS, planRotation } from '../../src/certs/rotation-plan.js';
import { SelfManagedCertificates } from '../../src/certs/self-managed.js';
import type { SelfManagedSettings } from '../../src/certs/settings.js';
import { Metrics } from '../../src/server/metrics.js';
import { FakeCertificateApi } from '../helpers/fake-certificate-api.js';
import { capturingLogger } from '../helpers/log-capture.js';

const DAY = 24 * 60 * 60 * 1000;
const VALIDATING: WebhookConfigurationRef = { kind: 'ValidatingWebhookConfiguration', name: 'meshguard' };
const MUTATING: WebhookConfigurationRef = { kind: 'MutatingWebhookConfiguration', name: '00-meshguard' };
const settings: SelfManagedSettings = {
  namespace: 'meshguard',
  secretName: 'meshguard-certs',
  serviceName: 'meshguard',
  validatingWebhookConfiguration: VALIDATING.name,
  mutatingWebhookConfiguration: MUTATING.name,
  caValidityDays: 365,
  servingValidityDays: 90,
  checkIntervalSeconds: 3600,
};

function setup(api = new FakeCertificateApi([[VALIDATING, ['validate.meshguard.io']], [MUTATING, ['mutate.meshguard.io']]])) {
  const clock = { now: new Date() };
  const metrics = new Metrics({ processMetrics: false });
  const { logger, lines } = capturingLogger();
  const replica = () => new SelfManagedCertificates({ api, settings, logger, metrics, now: () => clock.now, keyBits: 1024 });
  return { api, clock, metrics, lines, replica };
}

t.test('two replicas starting together agree on one Secret: the second create conflicts and it re-reads', async (t) => {
  const { api, replica } = setup();
  const [a, b] = await Promise.all([replica().reconcile(), replica().reconcile()]);
  t.equal(a.cert, b.cert, 'both serve the same certificate');
  t.equal(api.secret?.data[SECRET_KEYS.cert], a.cert);
  t.same(api.writes.filter((w) => w.endsWith('secret')), ['create secret']);
});

t.test('the caBundle of both webhook configurations is the Secret\'s bundle, and a reset one is restored', async (t) => {
  const { api, replica } = setup();
  const manager = replica();
  await manager.reconcile();
  const bundle = api.secret?.data[SECRET_KEYS.bundle];
  t.equal(api.trustedBy(VALIDATING), bundle);
  t.equal(api.trustedBy(MUTATING), bundle);

  const patches = api.writes.length;
  await manager.reconcile();
  t.equal(api.writes.length, patches, 'nothing is written when all is in step');

  api.configurations.get(`${VALIDATING.kind}/${VALIDATING.name}`)![0]!.caBundle = '';
  await manager.reconcile();
  t.equal(api.trustedBy(VALIDATING), bundle);
});

t.test('an update that loses the race to another replica re-reads and serves the winner\'s certificate', async (t) => {
  const { api, clock, replica } = setup();
  const manager = replica();
  await manager.reconcile();
  clock.now = new Date(clock.now.getTime() + 70 * DAY);
  let winner = '';
  api.beforeWrite = () => {
    const other = planRotation(api.secret!.data, { commonName: 'meshguard-ca.meshguard', dnsNames: servingNames('meshguard', 'meshguard'), caValidityDays: 365, servingValidityDays: 90, caPublishMs: 0, keyBits: 1024 }, clock.now);
    api.secret = { data: other.data, resourceVersion: `${api.secret!.resourceVersion}-other` };
    winner = other.data[SECRET_KEYS.cert]!;
  };
  const served = await manager.reconcile();
  t.equal(served.cert, winner);
  t.equal(api.secret?.data[SECRET_KEYS.cert], winner, 'the loser did not overwrite it');
});

t.test('a failing API at start is retried, logged with the reason and counted; readiness waits for it', async (t) => {
  const { api, metrics, lines, replica } = setup();
  api.failNext = new Error('secrets "meshguard-certs" is forbidden: User "system:serviceaccount:meshguard:meshguard" cannot get resource "secrets"');
  const manager = replica();
  t.teardown(() => manager.stop());
  const certificate = await manager.start(() => undefined);
  t.equal(certificate.cert, api.secret?.data[SECRET_KEYS.cert]);
  t.match(lines.find((l) => l.level === 50), { msg: 'no serving certificate yet; not ready until there is one', reason: /cannot get resource "secrets"/ });
  t.match(await metrics.registry.getSingleMetricAsString('meshguard_certificate_errors_total'), /meshguard_certificate_errors_total 1$/m);
  t.notOk(JSON.stringify(lines).includes('PRIVATE KEY'), 'no key material in the logs');
});

t.test('a missing webhook configuration is logged as a warning and does not stop the certificate', async (t) => {
  const { lines, replica } = setup(new FakeCertificateApi([[VALIDATING, ['validate.meshguard.io']]]));
  const served = await replica().reconcile();
  t.ok(served.cert);
  t.match(lines.find((l) => l.level === 40), {
    msg: 'webhook configuration not found: its caBundle cannot be set, so the API server cannot call meshguard through it',
    configuration: MUTATING,
  });
});
