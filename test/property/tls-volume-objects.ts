import fc from 'fast-check';
import type { KubeObject } from '../../src/k8s/types.js';

/**
 * Pods in a namespace whose Sidecars and DestinationRules map certificate files to Secrets with the
 * `meshguard.io/*` annotations, so that MG501 has volumes to add, and whose own
 * `sidecar.istio.io/userVolume`/`userVolumeMount` already hold entries in either form, or garbage.
 */

export const NAMESPACE = 'shop';
export const USER_VOLUME = 'sidecar.istio.io/userVolume';
export const USER_VOLUME_MOUNT = 'sidecar.istio.io/userVolumeMount';

/** Volumes Istio's injection template adds to every injected pod (and an older release's `istio-certs`). */
export const ISTIO_VOLUME_NAMES = [
  'istio-envoy',
  'istio-data',
  'istio-podinfo',
  'istio-token',
  'istiod-ca-cert',
  'istio-ca-crl',
  'workload-socket',
  'credential-socket',
  'workload-certs',
  'istio-certs',
];

/** Directories Istio mounts into istio-proxy; meshguard must never mount at, under or above them. */
export const ISTIO_MOUNT_PATHS = ['/etc/istio/proxy', '/etc/istio/pod', '/var/lib/istio/data', '/var/run/secrets/istio', '/var/run/secrets/tokens', '/var/run/secrets/credential-uds', '/var/run/secrets/workload-spiffe-uds', '/var/run/secrets/workload-spiffe-credentials'];

export interface GeneratedCase {
  pod: KubeObject;
  /** The namespace, its Sidecars and DestinationRules, for the manifest view. */
  cluster: KubeObject[];
}

const secret = fc.oneof({ weight: 9, arbitrary: fc.constantFrom('web-tls', 'web-ca', 'client-cert', 'shared-tls') }, { weight: 1, arbitrary: fc.constant('Not_A_Secret') });
/** Mostly usable directories, some written with a trailing slash or dots, a few that are Istio's own. */
const directory = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('/etc/istio/tls-certs', '/etc/istio/tls-ca-certs', '/etc/web/certs', '/etc/web/certs/', '/etc/web/./ca', '/etc/client') },
  { weight: 1, arbitrary: fc.constantFrom('/etc/istio/proxy', '/var/run/secrets/istio/extra', '/var/run') },
);
const file = fc.tuple(directory, fc.constantFrom('tls.crt', 'tls.key', 'ca.crt', 'client.pem', 'root.pem')).map(([dir, name]) => `${dir.replace(/\/$/, '')}/${name}`);
const secretKeys = fc.option(fc.constantFrom('cert=server.pem,key=server-key.pem', 'ca=root.pem', 'nonsense'), { nil: undefined, freq: 4 });

const definedOnly = (record: Record<string, string | undefined>): Record<string, string> =>
  Object.fromEntries(Object.entries(record).filter((entry): entry is [string, string] => entry[1] !== undefined));

const sidecar = fc
  .record({
    selector: fc.boolean(),
    certSecret: fc.option(secret, { nil: undefined, freq: 5 }),
    caSecret: fc.option(secret, { nil: undefined, freq: 3 }),
    keys: secretKeys,
    mode: fc.constantFrom('SIMPLE', 'MUTUAL', 'OPTIONAL_MUTUAL'),
    cert: file,
    key: file,
    ca: file,
  })
  .map(
    (s): KubeObject => ({
      apiVersion: 'networking.istio.io/v1',
      kind: 'Sidecar',
      metadata: {
        name: s.selector ? 'web' : 'default',
        namespace: NAMESPACE,
        creationTimestamp: '2026-01-01T00:00:00Z',
        annotations: definedOnly({ 'meshguard.io/tls-secret': s.certSecret, 'meshguard.io/ca-secret': s.caSecret, 'meshguard.io/secret-keys': s.keys }),
      },
      spec: {
        ...(s.selector ? { workloadSelector: { labels: { app: 'web' } } } : {}),
        ingress: [{ port: { number: 9443, protocol: 'HTTPS', name: 'https' }, defaultEndpoint: '0.0.0.0:8080', tls: { mode: s.mode, serverCertificate: s.cert, privateKey: s.key, caCertificates: s.ca } }],
      },
    }),
  );

const destinationRule = fc
  .record({
    name: fc.constantFrom('backend', 'payments'),
    selector: fc.boolean(),
    clientSecret: fc.option(secret, { nil: undefined, freq: 5 }),
    caSecret: fc.option(secret, { nil: undefined, freq: 3 }),
    keys: secretKeys,
    mode: fc.constantFrom('SIMPLE', 'MUTUAL'),
    cert: file,
    key: file,
    ca: file,
  })
  .map(
    (d): KubeObject => ({
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: {
        name: d.name,
        namespace: NAMESPACE,
        annotations: definedOnly({ 'meshguard.io/client-secret': d.clientSecret, 'meshguard.io/ca-secret': d.caSecret, 'meshguard.io/secret-keys': d.keys }),
      },
      spec: {
        host: `${d.name}.${NAMESPACE}.svc.cluster.local`,
        ...(d.selector ? { workloadSelector: { matchLabels: { app: 'web' } } } : {}),
        trafficPolicy: { tls: { mode: d.mode, clientCertificate: d.cert, privateKey: d.key, caCertificates: d.ca } },
      },
    }),
  );

/** One entry a user wrote: a volume and, usually, where istio-proxy mounts it. */
const userEntry = fc.record({
  name: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('my-cache', 'certs', 'extra-config') },
    { weight: 3, arbitrary: fc.constantFrom(...ISTIO_VOLUME_NAMES) },
    { weight: 1, arbitrary: fc.constantFrom('meshguard-etc-web-certs', 'meshguard-etc-istio-tls-certs') },
  ),
  volume: fc.oneof(fc.constant({ emptyDir: {} }), secret.map((secretName) => ({ secret: { secretName } })), fc.constant({ configMap: { name: 'extra' } })),
  mount: fc.option(fc.record({ mountPath: fc.oneof(directory, fc.constant('/var/cache/app')), readOnly: fc.boolean() }), { nil: undefined, freq: 5 }),
});

type Form = 'absent' | 'map' | 'list' | 'garbage';
const form = fc.constantFrom<Form>('absent', 'absent', 'map', 'map', 'list', 'garbage');
const garbage = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('{', 'false', 'null', '[{"emptyDir":{}}]', '{"a":1}', '[]', '{}'));

/** The annotation text in the form asked for (a list repeats the name inside each entry, as Istio reads it). */
function written(form: Form, entries: Array<[string, object]>, junk: string): string | undefined {
  if (form === 'absent') return undefined;
  if (form === 'garbage') return junk;
  return JSON.stringify(form === 'map' ? Object.fromEntries(entries) : entries.map(([name, body]) => ({ name, ...body })));
}

const pod = fc
  .record({
    app: fc.constantFrom('web', 'web', 'other'),
    entries: fc.array(userEntry, { maxLength: 3 }),
    volumeForm: form,
    mountForm: form,
    junk: garbage,
    podMounts: fc.option(fc.tuple(secret, directory).map(([s, d]) => `${s}=${d}`), { nil: undefined, freq: 4 }),
    /** Istio's injector ran first (wrong webhook order): MG501 warns, the patch is the same. */
    proxyInjected: fc.constantFrom(false, false, false, true),
  })
  .map(({ app, entries, volumeForm, mountForm, junk, podMounts, proxyInjected }): KubeObject => {
    const annotations = definedOnly({
      [USER_VOLUME]: written(volumeForm, entries.map((e) => [e.name, e.volume]), junk),
      [USER_VOLUME_MOUNT]: written(mountForm, entries.flatMap((e) => (e.mount ? [[e.name, e.mount] as [string, object]] : [])), junk),
      'meshguard.io/tls-mounts': podMounts,
    });
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `${app}-1`, namespace: NAMESPACE, labels: { app }, ...(Object.keys(annotations).length > 0 ? { annotations } : {}) },
      spec: { containers: [{ name: 'app', image: 'example/app' }, ...(proxyInjected ? [{ name: 'istio-proxy', image: 'istio/proxyv2' }] : [])] },
    };
  });

export const tlsVolumeCases: fc.Arbitrary<GeneratedCase> = fc
  .record({
    pod,
    sidecars: fc.uniqueArray(sidecar, { maxLength: 2, selector: (s) => s.metadata?.name }),
    destinationRules: fc.uniqueArray(destinationRule, { maxLength: 2, selector: (d) => d.metadata?.name }),
    injection: fc.constantFrom('enabled', 'enabled', 'disabled'),
  })
  .map(({ pod, sidecars, destinationRules, injection }) => ({
    pod,
    cluster: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE, labels: { 'istio-injection': injection } } }, ...sidecars, ...destinationRules],
  }));
