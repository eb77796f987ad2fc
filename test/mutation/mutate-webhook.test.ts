import t from 'tap';
import type { AdmissionResponse, AdmissionReview } from '../../src/admission/types.js';
import type { KubeObject } from '../../src/k8s/types.js';
import { capturedReview, reviewWithObject } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/https-server.js';
import { istioView } from './istio-view.js';
import {
  applyPatch,
  decodedPatch,
  HTTPBIN_MOUNTS,
  HTTPBIN_VOLUMES,
  httpbinSidecar,
  istioRenders,
  podIn,
  sleepDestinationRule,
} from './scenarios.js';

const injected = { 'istio-injection': 'enabled' };
const view = istioView({
  namespaces: [
    { name: 'test', labels: injected },
    { name: 'demo', labels: injected },
    { name: 'plain', labels: {} },
    { name: 'legacy', labels: { 'istio-injection': 'disabled' } },
  ],
  sidecars: [httpbinSidecar, { ...httpbinSidecar, namespace: 'plain' }, { ...httpbinSidecar, namespace: 'legacy' }],
  destinationRules: [sleepDestinationRule],
});

let server: TestServer;
t.before(async () => {
  server = await startTestServer({ view });
});
t.teardown(() => server.close());

const httpbinLabels = { app: 'httpbin', version: 'v1' };
const VOLUME = 'sidecar.istio.io/userVolume';
const MOUNT = 'sidecar.istio.io/userVolumeMount';

async function mutate(pod: KubeObject, change: (review: AdmissionReview) => void = () => {}): Promise<AdmissionResponse> {
  const review = reviewWithObject('pod-create-mutating-first-call', pod);
  change(review);
  return (await server.post('/mutate', review)).json<AdmissionReview>().response!;
}

t.test('MG501 mounts the Sidecar-terminated TLS Secrets of httpbin at the directories its Sidecar reads', async (t) => {
  const response = await mutate(podIn('test', httpbinLabels));
  t.equal(response.allowed, true);
  t.equal(response.patchType, 'JSONPatch');
  t.equal(response.warnings, undefined);
  t.same(decodedPatch(response), [
    { op: 'add', path: '/metadata/annotations/sidecar.istio.io~1userVolume', value: JSON.stringify(HTTPBIN_VOLUMES) },
    { op: 'add', path: '/metadata/annotations/sidecar.istio.io~1userVolumeMount', value: JSON.stringify(HTTPBIN_MOUNTS) },
  ]);
});

t.test('MG501 patch applied to the pod yields annotations Istio renders into matching volumes and mounts', async (t) => {
  const pod = podIn('test', httpbinLabels);
  const patchedPod = applyPatch(pod, decodedPatch(await mutate(pod)));
  const rendered = istioRenders(patchedPod.metadata?.annotations);
  t.same(rendered.volumes, [
    { name: 'meshguard-etc-istio-tls-certs', ...HTTPBIN_VOLUMES['meshguard-etc-istio-tls-certs'] },
    { name: 'meshguard-etc-istio-tls-ca-certs', ...HTTPBIN_VOLUMES['meshguard-etc-istio-tls-ca-certs'] },
  ]);
  t.same(rendered.mounts, [
    { name: 'meshguard-etc-istio-tls-certs', mountPath: '/etc/istio/tls-certs', readOnly: true },
    { name: 'meshguard-etc-istio-tls-ca-certs', mountPath: '/etc/istio/tls-ca-certs', readOnly: true },
  ]);
  t.equal(patchedPod.metadata?.annotations?.['sidecar.istio.io/inject'], 'true', 'other annotations are kept');
});

t.test('MG501 projects the client certificate and CA of a MUTUAL DestinationRule to the file names it reads', async (t) => {
  const response = await mutate(podIn('demo', { app: 'sleep' }));
  t.equal(response.warnings, undefined);
  t.same(decodedPatch(response), [
    {
      op: 'add',
      path: '/metadata/annotations/sidecar.istio.io~1userVolume',
      value: JSON.stringify({
        'meshguard-etc-sleep-certs': {
          secret: {
            secretName: 'sleep-client-cert',
            items: [
              { key: 'tls.crt', path: 'client.pem' },
              { key: 'tls.key', path: 'client-key.pem' },
            ],
          },
        },
        'meshguard-etc-sleep-ca': { secret: { secretName: 'backend-ca', items: [{ key: 'ca.crt', path: 'root.pem' }] } },
      }),
    },
    {
      op: 'add',
      path: '/metadata/annotations/sidecar.istio.io~1userVolumeMount',
      value: JSON.stringify({
        'meshguard-etc-sleep-certs': { mountPath: '/etc/sleep/certs', readOnly: true },
        'meshguard-etc-sleep-ca': { mountPath: '/etc/sleep/ca', readOnly: true },
      }),
    },
  ]);
});

t.test('MG501 merges into list-form annotations the user wrote, rewriting them in map form', async (t) => {
  const annotations = {
    [VOLUME]: '[{"name":"lua-libs","configMap":{"name":"lua-libs"}}]',
    [MOUNT]: '[{"name":"lua-libs","mountPath":"/var/lib/lua","readOnly":true}]',
  };
  const response = await mutate(podIn('test', httpbinLabels, annotations));
  t.same(decodedPatch(response), [
    {
      op: 'replace',
      path: '/metadata/annotations/sidecar.istio.io~1userVolume',
      value: JSON.stringify({ 'lua-libs': { configMap: { name: 'lua-libs' } }, ...HTTPBIN_VOLUMES }),
    },
    {
      op: 'replace',
      path: '/metadata/annotations/sidecar.istio.io~1userVolumeMount',
      value: JSON.stringify({ 'lua-libs': { mountPath: '/var/lib/lua', readOnly: true }, ...HTTPBIN_MOUNTS }),
    },
  ]);
});

t.test('MG501 returns no patch when reinvoked on the pod it already patched', async (t) => {
  const first = podIn('test', httpbinLabels);
  const patchedPod = applyPatch(first, decodedPatch(await mutate(first)));
  const review = reviewWithObject('pod-create-mutating-reinvocation-after-patch', patchedPod);
  const response = (await server.post('/mutate', review)).json<AdmissionReview>().response!;
  t.same(response, { uid: '291446f6-cd8f-4b61-a9fa-acec0adb28be', allowed: true });
});

t.test('MG501 gives a dry-run request the same patch', async (t) => {
  const pod = podIn('test', httpbinLabels);
  const wet = await mutate(pod);
  const dry = await mutate(pod, (review) => {
    review.request!.dryRun = true;
  });
  t.same(decodedPatch(dry), decodedPatch(wet));
  t.not(decodedPatch(dry).length, 0);
});

t.test('MG501 adds the whole annotations map to a pod without annotations', async (t) => {
  const pod = capturedReview('pod-create-no-annotations-kubectl-run').request!.object!;
  const review = reviewWithObject('pod-create-no-annotations-kubectl-run', {
    ...pod,
    metadata: { ...pod.metadata, namespace: 'test', labels: httpbinLabels },
  });
  const response = (await server.post('/mutate', review)).json<AdmissionReview>().response!;
  t.same(decodedPatch(response), [
    {
      op: 'add',
      path: '/metadata/annotations',
      value: { [VOLUME]: JSON.stringify(HTTPBIN_VOLUMES), [MOUNT]: JSON.stringify(HTTPBIN_MOUNTS) },
    },
  ]);
});

t.test('MG501 leaves pods that no mapping applies to alone', async (t) => {
  const response = await mutate(podIn('test', { app: 'other' }));
  t.same(response, { uid: '930db10b-6705-477a-9a44-c0a39c17f6de', allowed: true });
});

t.test('MG501 warns, and still patches, when the namespace is not injected', async (t) => {
  const response = await mutate(podIn('plain', httpbinLabels));
  t.equal(response.allowed, true);
  t.equal(decodedPatch(response).length, 2);
  t.same(response.warnings, [
    '[MG501] metadata.namespace: this pod will get no istio-proxy sidecar: namespace plain has neither the label istio-injection=enabled nor ' +
      'istio.io/rev, and the pod has no label sidecar.istio.io/inject: "true" (an annotation does not reach Istio\'s webhook selector). ' +
      'The certificates meshguard mounts for Sidecar plain/ingress-sidecar are then never read, and that TLS does not happen. ' +
      'Enable injection for the pod, or drop the mapping if it is meant to run without a sidecar.',
  ]);
});

t.test('MG501 does not warn in an unlabelled namespace once the pod has the label sidecar.istio.io/inject: "true"', async (t) => {
  const response = await mutate(podIn('plain', { ...httpbinLabels, 'sidecar.istio.io/inject': 'true' }));
  t.equal(response.warnings, undefined);
  t.equal(decodedPatch(response).length, 2);
});

t.test('MG501 warns when the namespace is labelled istio-injection=disabled', async (t) => {
  const response = await mutate(podIn('legacy', httpbinLabels));
  t.match(response.warnings, [/^\[MG501\] metadata\.namespace: this pod will get no istio-proxy sidecar: namespace legacy is labelled istio-injection=disabled,/]);
});

t.test('MG501 warns when the pod opts out with the sidecar.istio.io/inject label or annotation', async (t) => {
  const byLabel = await mutate(podIn('test', { ...httpbinLabels, 'sidecar.istio.io/inject': 'false' }));
  t.match(byLabel.warnings, [/^\[MG501\] metadata\.labels\.sidecar\.istio\.io\/inject: this pod will get no istio-proxy sidecar: the pod opts out with the label/]);
  const byAnnotation = await mutate(podIn('test', httpbinLabels, { 'sidecar.istio.io/inject': 'false' }));
  t.match(byAnnotation.warnings, [
    /^\[MG501\] metadata\.annotations\.sidecar\.istio\.io\/inject: this pod will get no istio-proxy sidecar: the pod opts out with the annotation/,
  ]);
});

t.test('MG501 warns and keeps the user entry when the user mounts another Secret at the same path', async (t) => {
  const annotations = {
    [VOLUME]: '{"my-certs":{"secret":{"secretName":"old-certs"}}}',
    [MOUNT]: '{"my-certs":{"mountPath":"/etc/istio/tls-certs/","readOnly":true}}',
  };
  const response = await mutate(podIn('test', httpbinLabels, annotations));
  t.same(response.warnings, [
    '[MG501] metadata.annotations.sidecar.istio.io/userVolumeMount: the pod already mounts volume "my-certs" (Secret old-certs) at /etc/istio/tls-certs, ' +
      'so meshguard did not mount Secret httpbin-mtls-termination at /etc/istio/tls-certs for Sidecar test/ingress-sidecar, and the sidecar reads whatever ' +
      '"my-certs" holds. Remove that entry to let meshguard mount the certificates, or mount Secret httpbin-mtls-termination there yourself.',
  ]);
  const patchedPod = applyPatch(podIn('test', httpbinLabels, annotations), decodedPatch(response));
  t.same(istioRenders(patchedPod.metadata?.annotations).mounts, [
    { name: 'my-certs', mountPath: '/etc/istio/tls-certs/', readOnly: true },
    { name: 'meshguard-etc-istio-tls-ca-certs', mountPath: '/etc/istio/tls-ca-certs', readOnly: true },
  ]);
});

t.test('MG501 adds nothing and says nothing when the user already mounts the same Secret at that path', async (t) => {
  const annotations = {
    [VOLUME]: '{"tls-secret":{"secret":{"secretName":"httpbin-mtls-termination","optional":true}},"tls-ca-secret":{"secret":{"secretName":"httpbin-mtls-termination-cacert"}}}',
    [MOUNT]: '{"tls-secret":{"mountPath":"/etc/istio/tls-certs/","readOnly":true},"tls-ca-secret":{"mountPath":"/etc/istio/tls-ca-certs/","readOnly":true}}',
  };
  const response = await mutate(podIn('test', httpbinLabels, annotations));
  t.same(response, { uid: '930db10b-6705-477a-9a44-c0a39c17f6de', allowed: true });
});

t.test('MG501 warns when the user already uses meshguard\'s volume name for another Secret', async (t) => {
  const annotations = { [VOLUME]: '{"meshguard-etc-istio-tls-certs":{"secret":{"secretName":"other"}}}' };
  const response = await mutate(podIn('test', httpbinLabels, annotations));
  t.match(response.warnings, [
    /^\[MG501\] metadata\.annotations\.sidecar\.istio\.io\/userVolume: the pod already uses the volume name "meshguard-etc-istio-tls-certs" for something else, so meshguard did not mount Secret httpbin-mtls-termination at \/etc\/istio\/tls-certs for Sidecar test\/ingress-sidecar\. Rename that entry\.$/,
  ]);
  t.equal(decodedPatch(response).length, 2, 'the CA volume is still added');
});

t.test('MG501 warns about malformed annotation JSON and leaves both annotations untouched', async (t) => {
  const annotations = { [VOLUME]: '{"tls": {"secret": ', [MOUNT]: '{}' };
  const response = await mutate(podIn('test', httpbinLabels, annotations));
  t.equal(response.allowed, true);
  t.equal(response.patch, undefined);
  t.match(response.warnings, [
    /^\[MG501\] metadata\.annotations\.sidecar\.istio\.io\/userVolume: is not valid JSON \(.+\), so meshguard left both sidecar\.istio\.io\/userVolume and userVolumeMount as they are and mounted no TLS certificates; Istio's injector cannot read it either\. Write it as a JSON map/,
  ]);
});

t.test('MG501 can be switched off in the settings: no patch, no warning', async (t) => {
  const off = await startTestServer({ view, settings: { rules: { MG501: 'off' } } });
  t.teardown(() => off.close());
  const review = reviewWithObject('pod-create-mutating-first-call', podIn('test', httpbinLabels));
  t.same((await off.post('/mutate', review)).json<AdmissionReview>().response, { uid: '930db10b-6705-477a-9a44-c0a39c17f6de', allowed: true });
});

t.test('MG501 without synced cluster state applies the pod\'s own mapping and says the others could not be read', async (t) => {
  const unsynced = await startTestServer();
  t.teardown(() => unsynced.close());
  const pod = podIn('test', httpbinLabels, { 'meshguard.io/tls-mounts': 'httpbin-tls=/etc/istio/tls-certs/' });
  const review = reviewWithObject('pod-create-mutating-first-call', pod);
  const response = (await unsynced.post('/mutate', review)).json<AdmissionReview>().response!;
  t.same(decodedPatch(response), [
    {
      op: 'add',
      path: '/metadata/annotations/sidecar.istio.io~1userVolume',
      value: '{"meshguard-etc-istio-tls-certs":{"secret":{"secretName":"httpbin-tls"}}}',
    },
    {
      op: 'add',
      path: '/metadata/annotations/sidecar.istio.io~1userVolumeMount',
      value: '{"meshguard-etc-istio-tls-certs":{"mountPath":"/etc/istio/tls-certs","readOnly":true}}',
    },
  ]);
  t.same(response.warnings, [
    '[MG501] metadata.annotations: cluster state is not synced yet, so the TLS volume mappings on Sidecars and DestinationRules could not be read ' +
      "and only the pod's own meshguard.io/tls-mounts was applied. If this pod's sidecar terminates or originates TLS with certificate files, " +
      'recreate it once meshguard is ready.',
  ]);
});

t.test('MG501 warns when Istio injected the sidecar before meshguard ran', async (t) => {
  const pod = podIn('test', httpbinLabels);
  (pod.spec as { containers: object[] }).containers.push({ name: 'istio-proxy', image: 'proxyv2' });
  const response = await mutate(pod);
  t.match(response.warnings, [/^\[MG501\] spec\.containers: Istio's injector already added istio-proxy to this pod, .* sorts before istio-sidecar-injector and istio-revision-tag-\*\.$/]);
});

t.test('MG501 admits a pod it cannot read, with a warning', async (t) => {
  const pod = podIn('test', httpbinLabels);
  (pod.metadata as { annotations: unknown }).annotations = { x: 1 };
  const response = await mutate(pod);
  t.same(response.allowed, true);
  t.equal(response.patch, undefined);
  t.same(response.warnings, ['meshguard: cannot read this Pod (metadata.annotations must map strings to strings), so no TLS volumes were added.']);
});

t.test('MG501 never patches on /validate, and the validate path answers Pods with the same warnings', async (t) => {
  const review = reviewWithObject('pod-create-mutating-first-call', podIn('plain', httpbinLabels));
  const response = (await server.post('/validate', review)).json<AdmissionReview>().response!;
  t.equal(response.allowed, true);
  t.equal(response.patch, undefined);
  t.match(response.warnings, [/^\[MG501\] metadata\.namespace: this pod will get no istio-proxy sidecar/]);
});
