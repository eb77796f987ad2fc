import fc from 'fast-check';
import { KIND_GROUPS, KIND_VERSIONS, type RuleKind } from '../../src/istio/kinds.js';
import crdSchemas from '../../src/istio/generated/crd-schemas.json' with { type: 'json' };
import { anyString, arbitraryFor, mapKey, nearValid, type Schema } from './schema-arbitrary.js';

/** Secret-looking material planted in objects, which must never reach a log line. */
export const PLANTED_SECRETS = {
  token: 'eyJhbGciOiJSUzI1NiIsImtpZCI6InBsYW50ZWQifQ.eyJzdWIiOiJwbGFudGVkLXNlY3JldC10b2tlbiJ9.c2lnbmF0dXJl',
  privateKey: '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDplantedplanted\n-----END PRIVATE KEY-----\n',
  password: 'planted-password-4f1c9a',
} as const;

const namespace = fc.constantFrom('istio-system', 'default', 'foo', 'legacy', '');

const annotations = fc.dictionary(
  fc.oneof(mapKey, fc.constantFrom('sidecar.istio.io/userVolume', 'sidecar.istio.io/userVolumeMount', 'sidecar.istio.io/inject', 'kubectl.kubernetes.io/last-applied-configuration')),
  fc.oneof(
    anyString,
    fc.constantFrom(
      '{"tls":{"secret":{"secretName":"tls"}}}',
      '[{"name":"tls","secret":{"secretName":"tls"}}]',
      '{"tls":{"mountPath":"/etc/tls","readOnly":true}}',
      '{"tls":',
      'false',
      ...Object.values(PLANTED_SECRETS),
    ),
  ),
  { maxKeys: 3 },
);

export const metadata = fc.record(
  {
    name: fc.oneof(fc.constantFrom('default', 'policy', 'deny-get'), anyString),
    namespace,
    uid: fc.uuid(),
    creationTimestamp: fc.constantFrom('2024-01-01T00:00:00Z', 'not a time'),
    labels: fc.dictionary(mapKey, anyString, { maxKeys: 3 }),
    annotations,
  },
  { requiredKeys: ['name'] },
);

export const ISTIO_KINDS = Object.keys(crdSchemas) as Array<Exclude<RuleKind, 'Pod'>>;

function specSchema(kind: Exclude<RuleKind, 'Pod'>): Schema {
  return (crdSchemas as Record<string, { spec: Schema }>)[kind]!.spec;
}

/** Objects of a kind as the API server would send them: valid (by the CRD schema), near-valid, or garbage. */
export function objectsOf(kind: RuleKind): fc.Arbitrary<unknown> {
  const spec = kind === 'Pod' ? podSpec : arbitraryFor(specSchema(kind));
  const valid = fc.record({ apiVersion: fc.constant(apiVersionOf(kind)), kind: fc.constant(kind), metadata, spec });
  return fc.oneof({ weight: 5, arbitrary: valid }, { weight: 4, arbitrary: nearValid(valid) }, { weight: 1, arbitrary: fc.anything() });
}

const volume = fc.record({ name: anyString, secret: fc.record({ secretName: anyString }) }, { requiredKeys: ['name'] });
const container = fc.record(
  {
    name: fc.constantFrom('app', 'istio-proxy', 'istio-init'),
    image: fc.constantFrom('nginx', 'docker.io/istio/proxyv2:1.22.0'),
    ports: fc.array(fc.record({ containerPort: fc.integer({ min: 0, max: 70_000 }), name: anyString }), { maxLength: 2 }),
    volumeMounts: fc.array(fc.record({ name: anyString, mountPath: anyString }), { maxLength: 2 }),
    env: fc.array(fc.record({ name: fc.constant('PASSWORD'), value: fc.constant(PLANTED_SECRETS.password) }), { maxLength: 1 }),
  },
  { requiredKeys: ['name'] },
);
const podSpec = fc.record(
  {
    serviceAccountName: anyString,
    containers: fc.array(container, { maxLength: 2 }),
    initContainers: fc.array(container, { maxLength: 1 }),
    volumes: fc.array(volume, { maxLength: 2 }),
  },
  { requiredKeys: ['containers'] },
);

function apiVersionOf(kind: RuleKind): string {
  return KIND_GROUPS[kind] ? `${KIND_GROUPS[kind]}/${KIND_VERSIONS[kind][0]}` : 'v1';
}

/** A well-formed admission.k8s.io/v1 AdmissionReview envelope around generated objects of `kind`. */
export function reviewsOf(kind: RuleKind) {
  return fc
    .record({
      uid: fc.uuid(),
      version: fc.constantFrom(...KIND_VERSIONS[kind]),
      operation: fc.constantFrom('CREATE', 'UPDATE', 'DELETE', 'CONNECT'),
      namespace: fc.option(namespace, { nil: undefined }),
      object: fc.option(objectsOf(kind), { nil: null, freq: 8 }),
      oldObject: fc.option(objectsOf(kind), { nil: null, freq: 3 }),
      dryRun: fc.boolean(),
    })
    .map(({ uid, version, operation, namespace, object, oldObject, dryRun }) => ({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      request: {
        uid,
        kind: { group: KIND_GROUPS[kind], version, kind },
        resource: { group: KIND_GROUPS[kind], version, resource: `${kind.toLowerCase()}s` },
        operation,
        ...(namespace === undefined ? {} : { namespace }),
        userInfo: { username: 'system:serviceaccount:ci:deployer', groups: ['system:authenticated'] },
        object,
        oldObject,
        dryRun,
      },
    }));
}
