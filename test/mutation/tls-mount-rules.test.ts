import t from 'tap';
import type { AdmissionReview } from '../../src/admission/types.js';
import type { WorkloadInfo } from '../../src/cluster/model.js';
import { NO_CLUSTER } from '../../src/cluster/no-cluster.js';
import type { ClusterView } from '../../src/cluster/view.js';
import type { KubeObject } from '../../src/k8s/types.js';
import { mg304 } from '../../src/rules/mg304-destinationrule-tls-mounts.js';
import { mg403 } from '../../src/rules/mg403-sidecar-tls-mounts.js';
import type { Subject } from '../../src/rules/types.js';
import { capturedReview } from '../helpers/fixtures.js';
import { startTestServer } from '../helpers/https-server.js';
import { istioView } from './istio-view.js';
import { httpbinSidecar } from './scenarios.js';

const httpbinObject: KubeObject<Subject<'Sidecar'>['object']['spec']> = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'Sidecar',
  metadata: { name: httpbinSidecar.name, namespace: 'test', annotations: { ...httpbinSidecar.annotations } },
  spec: httpbinSidecar.spec,
};

function checkSidecar(object: KubeObject, view: ClusterView = NO_CLUSTER) {
  const subject = { kind: 'Sidecar', operation: 'CREATE', namespace: 'test', name: 'ingress-sidecar', object } as Subject<'Sidecar'>;
  return mg403.check(subject, { view, rootNamespace: 'istio-system' });
}

function workload(ref: string, annotations: Record<string, string> = {}, pods = 2): WorkloadInfo {
  return { namespace: 'test', ref, labels: { app: 'httpbin', version: 'v1' }, annotations, serviceAccount: 'httpbin', sidecar: true, containerPorts: [], pods };
}

t.test('MG403 warns on the captured Sidecar whose ingress TLS files no mapping mounts', async (t) => {
  const server = await startTestServer();
  t.teardown(() => server.close());
  const review = capturedReview('sidecar-v1-create-ingress-tls');
  const response = (await server.post('/validate', review)).json<AdmissionReview>().response!;
  t.equal(response.allowed, true);
  t.same(response.warnings, [
    '[MG403] spec.ingress[0].tls.serverCertificate: istio-proxy reads /etc/certs/servercert.pem, but no TLS volume mapping mounts it: the Sidecar has no ' +
      'meshguard.io/tls-secret and the pods it applies to do not mount /etc/certs, so the TLS listener cannot load it and that port accepts no TLS connections. ' +
      'Add meshguard.io/tls-secret: <Secret with key tls.crt> to this Sidecar (meshguard then mounts it into every pod it applies to), or ' +
      'meshguard.io/tls-mounts: <secret>=/etc/certs to the pod template.',
    '[MG403] spec.ingress[0].tls.privateKey: istio-proxy reads /etc/certs/privatekey.pem, but no TLS volume mapping mounts it: the Sidecar has no ' +
      'meshguard.io/tls-secret and the pods it applies to do not mount /etc/certs, so the TLS listener cannot load it and that port accepts no TLS connections. ' +
      'Add meshguard.io/tls-secret: <Secret with key tls.key> to this Sidecar (meshguard then mounts it into every pod it applies to), or ' +
      'meshguard.io/tls-mounts: <secret>=/etc/certs to the pod template.',
  ]);
});

t.test('MG403 is silent once the Sidecar maps its files to Secrets', async (t) => {
  t.same(checkSidecar(httpbinObject), []);
});

t.test('MG403 reports the CA file of a MUTUAL listener when only the server Secret is mapped', async (t) => {
  const object = structuredClone(httpbinObject);
  delete object.metadata!.annotations!['meshguard.io/ca-secret'];
  t.same(
    checkSidecar(object).map((f) => [f.path, f.message.split(':')[0]]),
    [['spec.ingress[0].tls.caCertificates', 'istio-proxy reads /etc/istio/tls-ca-certs/ca.crt, but no TLS volume mapping mounts it']],
  );
});

t.test('MG403 is silent when every selected pod mounts the directories itself', async (t) => {
  const object = structuredClone(httpbinObject);
  object.metadata!.annotations = {};
  const view = istioView({
    workloads: [
      workload('Deployment/httpbin', { 'meshguard.io/tls-mounts': 'httpbin-tls=/etc/istio/tls-certs,httpbin-ca=/etc/istio/tls-ca-certs' }),
      workload('Deployment/httpbin-canary', {
        'sidecar.istio.io/userVolumeMount': '[{"name":"certs","mountPath":"/etc/istio/tls-certs/"},{"name":"ca","mountPath":"/etc/istio/tls-ca-certs"}]',
      }),
    ],
  });
  t.same(checkSidecar(object, view), []);
});

t.test('MG403 tells the user to restart selected pods created before the mapping', async (t) => {
  const view = istioView({ workloads: [workload('Deployment/httpbin', {}, 3)] });
  t.same(checkSidecar(httpbinObject, view), [
    {
      rule: 'MG403',
      severity: 'warn',
      path: 'metadata.annotations.meshguard.io/tls-secret',
      message:
        '3 running pod(s) this Sidecar applies to (Deployment/httpbin) were created without the certificate volumes for /etc/istio/tls-certs, ' +
        '/etc/istio/tls-ca-certs: meshguard adds volumes only when a pod is created, so their sidecars cannot read the files. ' +
        'Restart them (kubectl rollout restart) once the Secrets exist.',
    },
  ]);
});

t.test('MG403 does not ask to restart pods that already carry the mounts', async (t) => {
  const mounts = JSON.stringify({
    'meshguard-etc-istio-tls-certs': { mountPath: '/etc/istio/tls-certs', readOnly: true },
    'meshguard-etc-istio-tls-ca-certs': { mountPath: '/etc/istio/tls-ca-certs', readOnly: true },
  });
  const view = istioView({ workloads: [workload('Pod/httpbin-1', { 'sidecar.istio.io/userVolumeMount': mounts }, 1)] });
  t.same(checkSidecar(httpbinObject, view), []);
});

t.test('MG403 counts every path of a volume that a list-form userVolumeMount mounts twice', async (t) => {
  const object = structuredClone(httpbinObject);
  object.metadata!.annotations = {};
  const mounts = '[{"name":"certs","mountPath":"/etc/istio/tls-certs"},{"name":"certs","mountPath":"/etc/istio/tls-ca-certs"}]';
  t.same(checkSidecar(object, istioView({ workloads: [workload('Deployment/httpbin', { 'sidecar.istio.io/userVolumeMount': mounts })] })), []);
});

t.test('MG403 reports an unusable Secret name and a file inside an Istio directory', async (t) => {
  const object = structuredClone(httpbinObject);
  object.metadata!.annotations!['meshguard.io/ca-secret'] = 'Bad_Name';
  object.spec!.ingress![0]!.tls!.serverCertificate = '/etc/istio/proxy/cert.pem';
  t.same(
    checkSidecar(object).map((f) => `${f.path}: ${f.message}`),
    [
      'metadata.annotations.meshguard.io/ca-secret: "Bad_Name" is not a valid Secret name (lowercase letters, digits, \'-\' and \'.\'), so meshguard cannot ' +
        'mount this certificate file into istio-proxy. Fix the value (see the meshguard README, TLS volumes).',
      'spec.ingress[0].tls.serverCertificate: /etc/istio/proxy is where Istio mounts its own files into istio-proxy, so meshguard ' +
        'cannot mount this certificate file into istio-proxy. Fix the value (see the meshguard README, TLS volumes).',
      'spec.ingress[0].tls.caCertificates: istio-proxy reads /etc/istio/tls-ca-certs/ca.crt, but no TLS volume mapping mounts it: the Sidecar has no ' +
        'meshguard.io/ca-secret and the pods it applies to do not mount /etc/istio/tls-ca-certs, so the TLS listener cannot load it and that port accepts ' +
        'no TLS connections. Add meshguard.io/ca-secret: <Secret with key ca.crt> to this Sidecar (meshguard then mounts it into every pod it applies to), ' +
        'or meshguard.io/tls-mounts: <secret>=/etc/istio/tls-ca-certs to the pod template.',
    ],
  );
});

t.test('MG304 warns on the captured MUTUAL DestinationRule whose client files no mapping mounts, and is silent once mapped', async (t) => {
  const object = capturedReview('destinationrule-v1-update-merge-patch-mutual').request!.object!;
  const check = (o: KubeObject) =>
    mg304.check({ kind: 'DestinationRule', operation: 'UPDATE', namespace: 'demo', name: 'backend-mtls', object: o } as Subject<'DestinationRule'>, {
      view: NO_CLUSTER,
      rootNamespace: 'istio-system',
    });
  t.same(
    check(object).map((f) => f.path),
    ['spec.trafficPolicy.tls.clientCertificate', 'spec.trafficPolicy.tls.privateKey', 'spec.trafficPolicy.tls.caCertificates'],
  );
  t.match(check(object)[0]!.message, /^istio-proxy reads \/etc\/certs\/cert\.pem, but no TLS volume mapping mounts it: the DestinationRule has no meshguard\.io\/client-secret .* so the sidecar cannot originate TLS with it and those requests fail\./);
  const mapped = structuredClone(object);
  mapped.metadata!.annotations = { ...mapped.metadata!.annotations, 'meshguard.io/client-secret': 'backend-client', 'meshguard.io/ca-secret': 'backend-ca' };
  t.same(check(mapped), []);
});
