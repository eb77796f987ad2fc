import { X509Certificate } from 'node:crypto';
import t from 'tap';
import { SECRET_KEYS, planRotation, splitPem, type RotationPolicy } from '../../src/certs/rotation-plan.js';

const DAY = 24 * 60 * 60 * 1000;
const policy: RotationPolicy = {
  commonName: 'meshguard-ca.meshguard',
  dnsNames: ['meshguard.meshguard.svc', 'meshguard.meshguard.svc.cluster.local'],
  caValidityDays: 365,
  servingValidityDays: 90,
  caPublishMs: 10 * 60 * 1000,
  // Key size is not what these tests are about, and 2048-bit keys take about a second each here.
  keyBits: 1024,
};
const start = new Date('2030-01-01T00:00:00Z');
const at = (days: number, extraMs = 0) => new Date(start.getTime() + days * DAY + extraMs);

const x509 = (pem: string | undefined) => new X509Certificate(pem ?? '');
const bundleSubjects = (data: Record<string, string>) => splitPem(data[SECRET_KEYS.bundle] ?? '').map((pem) => x509(pem).serialNumber);
const signedBy = (cert: string | undefined, ca: string | undefined) => x509(cert).verify(x509(ca).publicKey);

const initial = planRotation(undefined, policy, start);

t.test('production keys are RSA 2048', async (t) => {
  const { data } = planRotation(undefined, { ...policy, keyBits: undefined }, start);
  t.equal(x509(data[SECRET_KEYS.caCert]).publicKey.asymmetricKeyDetails?.modulusLength, 2048);
  t.equal(x509(data[SECRET_KEYS.cert]).publicKey.asymmetricKeyDetails?.modulusLength, 2048);
});

t.test('an absent Secret gets a CA, a serving certificate for the Service names, and a bundle of that CA', async (t) => {
  t.same(initial.changes, ['created the CA', 'issued a serving certificate (none usable in the Secret)']);
  const { data } = initial;
  t.ok(x509(data[SECRET_KEYS.caCert]).ca);
  t.ok(signedBy(data[SECRET_KEYS.cert], data[SECRET_KEYS.caCert]));
  for (const name of policy.dnsNames) t.equal(x509(data[SECRET_KEYS.cert]).checkHost(name), name);
  t.same(bundleSubjects(data), [x509(data[SECRET_KEYS.caCert]).serialNumber]);
  t.equal(new Date(x509(data[SECRET_KEYS.cert]).validTo).getTime(), at(90).getTime());
});

t.test('a healthy Secret is left exactly as it is', async (t) => {
  const again = planRotation(initial.data, policy, at(59));
  t.same(again.changes, []);
  t.equal(again.data, initial.data);
});

t.test('the serving certificate is renewed from the same CA in its last third; the caBundle does not change', async (t) => {
  const renewed = planRotation(initial.data, policy, at(61));
  t.same(renewed.changes, ['issued a serving certificate (the stored one is in its last third of validity)']);
  t.not(renewed.data[SECRET_KEYS.cert], initial.data[SECRET_KEYS.cert]);
  t.equal(renewed.data[SECRET_KEYS.caCert], initial.data[SECRET_KEYS.caCert]);
  t.equal(renewed.data[SECRET_KEYS.bundle], initial.data[SECRET_KEYS.bundle]);
});

t.test('CA rotation: staged into the bundle first, promoted after the publish delay, old CA trusted until it expires', async (t) => {
  const oldCa = initial.data[SECRET_KEYS.caCert];
  const staged = planRotation(initial.data, policy, at(250));
  t.same(staged.changes, [
    'the CA is in its last third of validity: staged the next CA in the caBundle',
    'issued a serving certificate (the stored one is in its last third of validity)',
  ]);
  const nextCa = staged.data[SECRET_KEYS.nextCaCert];
  t.equal(staged.data[SECRET_KEYS.caCert], oldCa, 'the old CA still signs');
  t.ok(signedBy(staged.data[SECRET_KEYS.cert], oldCa));
  t.same(bundleSubjects(staged.data), [x509(oldCa).serialNumber, x509(nextCa).serialNumber], 'both CAs are trusted');

  t.same(planRotation(staged.data, policy, at(250, 9 * 60 * 1000)).changes, [], 'not promoted before the caBundle had time to reach the API servers');

  const promoted = planRotation(staged.data, policy, at(250, 10 * 60 * 1000));
  t.same(promoted.changes, [
    'promoted the next CA to signer (it has been in the caBundle long enough)',
    'issued a serving certificate (the stored one was not issued by the signing CA)',
  ]);
  t.equal(promoted.data[SECRET_KEYS.caCert], nextCa);
  t.ok(signedBy(promoted.data[SECRET_KEYS.cert], nextCa));
  t.notOk(SECRET_KEYS.nextCaCert in promoted.data);
  t.same(bundleSubjects(promoted.data), [x509(nextCa).serialNumber, x509(oldCa).serialNumber], 'replicas still serving the old certificate are trusted');

  const renewed = planRotation(promoted.data, policy, at(330));
  t.same(bundleSubjects(renewed.data), [x509(nextCa).serialNumber, x509(oldCa).serialNumber], 'the old CA is kept until it expires');
  const pruned = planRotation(renewed.data, policy, at(366));
  t.same(pruned.changes, ['removed expired CAs from the caBundle']);
  t.same(bundleSubjects(pruned.data), [x509(nextCa).serialNumber]);
  t.equal(pruned.data[SECRET_KEYS.cert], renewed.data[SECRET_KEYS.cert]);
});

t.test('a next CA without a staging time waits the full publish delay again instead of being promoted', async (t) => {
  const staged = planRotation(initial.data, policy, at(250));
  const withoutTime = { ...staged.data };
  delete withoutTime[SECRET_KEYS.nextCaStagedAt];
  const replanned = planRotation(withoutTime, policy, at(251));
  t.same(replanned.changes, ['the next CA had no staging time: its publication delay starts now']);
  t.equal(replanned.data[SECRET_KEYS.caCert], staged.data[SECRET_KEYS.caCert]);
});

t.test('an unreadable Secret gets a new CA while the old, unexpired CA stays trusted', async (t) => {
  const broken = { ...initial.data, [SECRET_KEYS.caKey]: 'not a key' };
  const replaced = planRotation(broken, policy, at(1));
  t.equal(replaced.changes[0], 'the Secret holds no usable CA: created a new CA');
  t.not(replaced.data[SECRET_KEYS.caCert], initial.data[SECRET_KEYS.caCert]);
  t.same(bundleSubjects(replaced.data), [x509(replaced.data[SECRET_KEYS.caCert]).serialNumber, x509(initial.data[SECRET_KEYS.caCert]).serialNumber]);
  t.ok(signedBy(replaced.data[SECRET_KEYS.cert], replaced.data[SECRET_KEYS.caCert]));
});

t.test('a serving certificate that lacks a Service name (the Service was renamed) is reissued', async (t) => {
  const renamed = planRotation(initial.data, { ...policy, dnsNames: ['guard.meshguard.svc'] }, at(1));
  t.same(renamed.changes, ['issued a serving certificate (the stored one does not cover guard.meshguard.svc)']);
  t.equal(x509(renamed.data[SECRET_KEYS.cert]).checkHost('guard.meshguard.svc'), 'guard.meshguard.svc');
});

t.test('a serving certificate never outlives its CA', async (t) => {
  const shortCa = planRotation(undefined, { ...policy, caValidityDays: 30 }, start);
  t.equal(x509(shortCa.data[SECRET_KEYS.cert]).validTo, x509(shortCa.data[SECRET_KEYS.caCert]).validTo);
});
