import t from 'tap';
import { mapSourceFiles, podMounts } from '../../src/mutation/mapping.js';
import { planVolumes } from '../../src/mutation/plan.js';
import { destinationRuleTlsFiles, sidecarTlsFiles } from '../../src/mutation/tls-files.js';
import { httpbinSidecar, sleepDestinationRule } from './scenarios.js';

/** Istio's DestinationRule example: certificate, key and CA side by side in /etc/certs, from two Secrets. */
const sideBySide = structuredClone(sleepDestinationRule.spec);
sideBySide.trafficPolicy!.tls = {
  mode: 'MUTUAL',
  clientCertificate: '/etc/certs/myclientcert.pem',
  privateKey: '/etc/certs/client_private_key.pem',
  caCertificates: '/etc/certs/rootcacerts.pem',
};

t.test('MG501 plans one projected volume when one directory holds files of two Secrets', async (t) => {
  const mapping = mapSourceFiles('DestinationRule', sleepDestinationRule.annotations, destinationRuleTlsFiles(sideBySide));
  const plan = planVolumes([], [{ label: 'DestinationRule demo/backend-mtls', files: mapping.files }]);
  t.same(plan, {
    conflicts: [],
    volumes: [
      {
        name: 'meshguard-etc-certs',
        mountPath: '/etc/certs',
        origins: ['DestinationRule demo/backend-mtls'],
        volume: {
          projected: {
            sources: [
              {
                secret: {
                  name: 'sleep-client-cert',
                  items: [
                    { key: 'tls.crt', path: 'myclientcert.pem' },
                    { key: 'tls.key', path: 'client_private_key.pem' },
                  ],
                },
              },
              { secret: { name: 'backend-ca', items: [{ key: 'ca.crt', path: 'rootcacerts.pem' }] } },
            ],
          },
        },
      },
    ],
  });
});

t.test('MG501 reads the Secret keys from meshguard.io/secret-keys when they are not the kubernetes.io/tls names', async (t) => {
  const annotations = { ...sleepDestinationRule.annotations, 'meshguard.io/secret-keys': 'cert=client.pem, key=client.key' };
  const mapping = mapSourceFiles('DestinationRule', annotations, destinationRuleTlsFiles(sleepDestinationRule.spec));
  t.same(
    mapping.files.map((f) => [f.secret, f.key, f.fileName]),
    [
      ['sleep-client-cert', 'client.pem', 'client.pem'],
      ['sleep-client-cert', 'client.key', 'client-key.pem'],
      ['backend-ca', 'ca.crt', 'root.pem'],
    ],
  );
  t.same(mapSourceFiles('DestinationRule', { ...annotations, 'meshguard.io/secret-keys': 'chain=x' }, []).problems, [
    { path: 'metadata.annotations.meshguard.io/secret-keys', message: '"chain=x" is not role=key with role one of cert, key, ca, crl' },
  ]);
});

t.test('MG501 mounts the first of two mappings that fill the same file from different Secrets, and says so', async (t) => {
  const sidecar = mapSourceFiles('Sidecar', httpbinSidecar.annotations, sidecarTlsFiles(httpbinSidecar.spec)).files;
  const clash = sidecar.map((f) => ({ ...f, secret: 'other-ca', fieldPath: 'spec.trafficPolicy.tls.caCertificates' })).filter((f) => f.fileName === 'ca.crt');
  const plan = planVolumes([], [
    { label: 'Sidecar test/ingress-sidecar', files: sidecar },
    { label: 'DestinationRule test/upstream', files: clash },
  ]);
  t.same(plan.conflicts, [
    'DestinationRule test/upstream spec.trafficPolicy.tls.caCertificates reads /etc/istio/tls-ca-certs/ca.crt from key ca.crt of Secret other-ca, but ' +
      'Sidecar test/ingress-sidecar spec.ingress[0].tls.caCertificates already fills that file from key ca.crt of Secret httpbin-mtls-termination-cacert; ' +
      'only the first is mounted. Give one of them another file name or directory.',
  ]);
  t.same(plan.volumes[1]!.volume, { secret: { secretName: 'httpbin-mtls-termination-cacert', items: [{ key: 'ca.crt', path: 'ca.crt' }] } });
});

t.test('MG501 lets the pod\'s own mapping win over a Sidecar mapping for the same directory', async (t) => {
  const problems: string[] = [];
  const mounts = podMounts({ 'meshguard.io/tls-mounts': 'mine=/etc/istio/tls-certs, bad, x=/etc/istio/proxy/sub' }, problems);
  t.same(problems, ['"bad" is not secret=/directory', '/etc/istio/proxy/sub overlaps /etc/istio/proxy, where Istio mounts its own files into istio-proxy']);
  const sidecar = mapSourceFiles('Sidecar', httpbinSidecar.annotations, sidecarTlsFiles(httpbinSidecar.spec)).files;
  const plan = planVolumes(mounts, [{ label: 'Sidecar test/ingress-sidecar', files: sidecar }]);
  t.same(plan.volumes[0], { name: 'meshguard-etc-istio-tls-certs', mountPath: '/etc/istio/tls-certs', volume: { secret: { secretName: 'mine' } }, origins: ['the pod'] });
  t.equal(plan.conflicts.length, 2, 'one per Sidecar file the pod mapping displaces');
  t.match(plan.conflicts[0], /^Sidecar test\/ingress-sidecar spec\.ingress\[0\]\.tls\.serverCertificate reads \/etc\/istio\/tls-certs\/tls\.crt from key tls\.crt of Secret httpbin-mtls-termination, but the pod's meshguard\.io\/tls-mounts mounts the whole Secret mine/);
});

t.test('MG501 names volumes after their directory, hashing names that would be too long', async (t) => {
  const long = `/etc/${'x'.repeat(80)}`;
  const names = planVolumes([{ secret: 's', dir: long }, { secret: 's', dir: '/etc/a' }], []).volumes.map((v) => v.name);
  t.equal(names[1], 'meshguard-etc-a');
  t.match(names[0], /^meshguard-etc-x+-[0-9a-f]{10}$/);
  t.ok(names[0]!.length <= 63);
});

t.test('MG501 reads no files from a Sidecar that uses credentialName or a SIMPLE listener\'s CA', async (t) => {
  const spec = structuredClone(httpbinSidecar.spec);
  spec.ingress![0]!.tls!.mode = 'SIMPLE';
  t.same(sidecarTlsFiles(spec).map((f) => f.role), ['cert', 'key']);
  spec.ingress![0]!.tls!.credentialName = 'httpbin-credential';
  t.same(sidecarTlsFiles(spec), []);
});
