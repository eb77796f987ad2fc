import t from 'tap';
import { helmTemplate } from '../helpers/helm.js';

/** Each case: values that must be refused, and the words of Helm's error that say why. */
const REJECTED: Array<[string, object, string]> = [
  ['an unknown top-level key', { replicas: 3 }, '(root): Additional property replicas is not allowed'],
  ['an unknown nested key', { webhooks: { failurePolicy: 'Fail', timeout: 5 } }, 'webhooks: Additional property timeout is not allowed'],
  ['a replica count given as a string', { replicaCount: 'two' }, 'replicaCount: Invalid type. Expected: integer, given: string'],
  ['zero replicas', { replicaCount: 0 }, 'replicaCount: Must be greater than or equal to 1'],
  ['an unknown failure policy', { webhooks: { failurePolicy: 'Sometimes' } }, 'webhooks.failurePolicy must be one of the following: "Fail", "Ignore"'],
  ['a webhook timeout above the API server maximum of 30 s', { webhooks: { timeoutSeconds: 31 } }, 'webhooks.timeoutSeconds: Must be less than or equal to 30'],
  ['an unknown certificate mode', { certificates: { mode: 'vault' } }, 'certificates.mode must be one of the following: "self-managed", "cert-manager", "secret"'],
  ['a rule override that is not enforce, warn or off', { settings: { rules: { MG101: 'maybe' } } }, 'settings.rules.MG101 must be one of the following: "enforce", "warn", "off"'],
  ['a rule id that is not MGnnn', { settings: { rules: { mg101: 'off' } } }, 'settings.rules: Property name of "mg101" does not match'],
  ['an exemption without a namespace', { settings: { exemptions: [{ rule: 'MG101' }] } }, 'settings.exemptions.0: namespace is required'],
  ['a heap limit too small to hold the cluster caches', { heapLimitMiB: 32 }, 'heapLimitMiB: Must be greater than or equal to 64'],
  ['a heap limit with a unit', { heapLimitMiB: '256Mi' }, 'heapLimitMiB: Invalid type. Expected: integer, given: string'],
  ['a settings mode the server does not know', { settings: { mode: 'audit' } }, 'settings.mode must be one of the following: "enforce", "warn"'],
];

for (const [what, values, message] of REJECTED) {
  t.test(`values.schema.json rejects ${what}`, async (t) => {
    const result = helmTemplate(values);
    t.not(result.status, 0);
    t.match(result.stderr, /values don't meet the specifications of the schema/);
    t.match(result.stderr, message);
  });
}

t.test('a mutating configuration name that sorts after Istio\'s injector is refused with the reason', async (t) => {
  const result = helmTemplate({ webhooks: { mutating: { configurationName: 'meshguard-mutating' } } });
  t.not(result.status, 0);
  t.match(result.stderr, 'webhooks.mutating.configurationName "meshguard-mutating" sorts after Istio\'s injector');
});

t.test('a name that sorts before Istio\'s injector is accepted', async (t) => {
  const result = helmTemplate({ webhooks: { mutating: { configurationName: 'aaa-meshguard' } } });
  t.equal(result.status, 0, result.stderr);
});

t.test('secret mode without a Secret name or CA bundle is refused', async (t) => {
  t.match(helmTemplate({ certificates: { mode: 'secret', secret: { caBundle: 'Q0E=' } } }).stderr, 'certificates.secret.name is required');
  t.match(helmTemplate({ certificates: { mode: 'secret', secret: { name: 'tls' } } }).stderr, 'certificates.secret.caBundle is required');
});
