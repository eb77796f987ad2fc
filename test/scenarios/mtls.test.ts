import t from 'tap';
import { admitted, verdictOf } from '../helpers/review-result.js';
import { startTestServer, type TestServer } from '../helpers/https-server.js';

let server: TestServer;
t.before(async () => {
  server = await startTestServer();
});
t.teardown(() => server.close());

const peerAuthentication = (namespace: string, name: string, spec: Record<string, unknown>) => ({
  apiVersion: 'security.istio.io/v1',
  kind: 'PeerAuthentication',
  metadata: { name, namespace },
  spec,
});

t.test('scenario 3: PeerAuthentication migration steps', async (t) => {
  t.same(await verdictOf(server, peerAuthentication('foo', 'default', { mtls: { mode: 'STRICT' } })), admitted, 'namespace foo STRICT');
  t.same(
    await verdictOf(server, peerAuthentication('foo', 'default', { mtls: { mode: 'PERMISSIVE' } }), 'peerauthentication-v1-update-mesh-wide-merge-patch'),
    admitted,
    'namespace foo back to PERMISSIVE (an UPDATE)',
  );
  t.same(await verdictOf(server, peerAuthentication('istio-system', 'default', { mtls: { mode: 'STRICT' } })), admitted, 'mesh-wide STRICT');
  t.same(
    await verdictOf(server, peerAuthentication('istio-system', 'default', { mtls: { mode: 'DISABLE' } })),
    {
      allowed: false,
      message:
        '[MG201] spec.mtls.mode: mesh-wide PeerAuthentication in the root namespace istio-system sets DISABLE, so every sidecar in the mesh ' +
        'accepts only plaintext and mutual TLS is switched off everywhere that no namespace or workload policy overrides it. ' +
        'Use PERMISSIVE during a migration, or DISABLE only in a namespace or workload policy (with a selector) where plaintext is required.',
      warnings: [],
    },
    'mesh-wide DISABLE is denied by MG201',
  );
  for (const namespace of ['foo', 'bar']) {
    const workload = peerAuthentication(namespace, 'httpbin', { selector: { matchLabels: { app: 'httpbin' } }, mtls: { mode: 'PERMISSIVE' } });
    t.same(await verdictOf(server, workload), admitted, `workload httpbin PERMISSIVE in ${namespace}`);
  }
});

const sidecarTls = {
  mode: 'MUTUAL',
  privateKey: '/etc/istio/tls-certs/tls.key',
  serverCertificate: '/etc/istio/tls-certs/tls.crt',
  caCertificates: '/etc/istio/tls-ca-certs/ca.crt',
};
const sidecar = (tls: Record<string, unknown>) => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'Sidecar',
  metadata: { name: 'ingress-sidecar', namespace: 'test' },
  spec: {
    workloadSelector: { labels: { app: 'httpbin', version: 'v1' } },
    ingress: [
      { port: { number: 9080, protocol: 'HTTPS', name: 'external' }, defaultEndpoint: '0.0.0.0:80', tls },
      { port: { number: 9081, protocol: 'HTTP', name: 'internal' }, defaultEndpoint: '0.0.0.0:80' },
    ],
  },
});

t.test('scenario 4: sidecar-terminated TLS in namespace test', async (t) => {
  t.same(await verdictOf(server, peerAuthentication('test', 'default', { mtls: { mode: 'STRICT' } })), admitted, 'namespace STRICT');
  const portLevel = { selector: { matchLabels: { app: 'httpbin' } }, mtls: { mode: 'STRICT' }, portLevelMtls: { 9080: { mode: 'DISABLE' } } };
  t.same(await verdictOf(server, peerAuthentication('test', 'httpbin', portLevel)), admitted, 'workload STRICT with port 9080 DISABLE');
  t.same(await verdictOf(server, sidecar(sidecarTls)), admitted, 'the Sidecar with MUTUAL ingress TLS from files');

  t.same(
    await verdictOf(server, sidecar({ ...sidecarTls, credentialName: 'httpbin-credential' })),
    {
      allowed: false,
      message:
        '[MG404] spec.ingress[0].tls.credentialName: credentialName is not supported on a Sidecar ingress listener, so istiod rejects the ' +
        'Sidecar and none of it takes effect. A Sidecar reads certificates from files: set serverCertificate and privateKey to files mounted ' +
        'in the istio-proxy container (sidecar.istio.io/userVolume and userVolumeMount).',
      warnings: [],
    },
    'the same Sidecar with credentialName is denied by MG404',
  );

  const withoutCa: Record<string, unknown> = { ...sidecarTls };
  delete withoutCa.caCertificates;
  t.same(
    await verdictOf(server, sidecar(withoutCa)),
    {
      allowed: false,
      message:
        '[MG404] spec.ingress[0].tls.caCertificates: mode MUTUAL needs caCertificates to verify client certificates, so istiod rejects the ' +
        'Sidecar and none of it takes effect. Set caCertificates to the CA bundle file mounted in the istio-proxy container, or use mode SIMPLE.',
      warnings: [],
    },
    'MUTUAL without caCertificates is denied by MG404',
  );

  t.same(
    await verdictOf(server, peerAuthentication('test', 'default', { mtls: { mode: 'STRICT' }, portLevelMtls: { 9080: { mode: 'DISABLE' } } })),
    {
      allowed: false,
      message:
        '[MG203] spec.portLevelMtls: this PeerAuthentication has no selector, so it is namespace-wide (namespace test), and Istio applies ' +
        'portLevelMtls only to a workload policy: istiod rejects it, and the port exceptions would never take effect. Move portLevelMtls to a ' +
        'PeerAuthentication with selector.matchLabels for the workload that owns those ports, and keep only mtls.mode here.',
      warnings: [],
    },
    'portLevelMtls without selector is denied by MG203',
  );
});

const crossMeshTls = {
  mode: 'MUTUAL',
  clientCertificate: '/etc/istio/tls-certs/tls.crt',
  privateKey: '/etc/istio/tls-certs/tls.key',
  caCertificates: '/etc/istio/tls-ca-certs/ca.crt',
};
const crossMesh = (tls: Record<string, unknown>) => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'DestinationRule',
  metadata: { name: 'mesh-b-httpbin', namespace: 'test' },
  spec: {
    host: 'httpbin.mesh-b.example.com',
    subsets: [{ name: 'v1', labels: { version: 'v1' }, trafficPolicy: { portLevelSettings: [{ port: { number: 443 }, tls }] } }],
  },
});

t.test('scenario 5: cross-mesh mTLS with a third-party root CA', async (t) => {
  t.same(await verdictOf(server, crossMesh(crossMeshTls)), admitted, 'MUTUAL with client certificate, key and CA files');

  const withoutCa: Record<string, unknown> = { ...crossMeshTls };
  delete withoutCa.caCertificates;
  t.same(
    await verdictOf(server, crossMesh(withoutCa)),
    {
      allowed: true,
      warnings: [
        '[MG303] spec.subsets[0].trafficPolicy.portLevelSettings[0].tls.caCertificates: MUTUAL TLS to httpbin.mesh-b.example.com for port 443 ' +
          "of subset v1 names no CA to verify the server with: the sidecar falls back to the proxy's system trust store " +
          '(VERIFY_CERTIFICATE_AT_CLIENT), which rejects a server signed by a private or third-party root, or, with that setting off, ' +
          'accepts any certificate. Set caCertificates to the root CA file mounted in the sidecar, or use credentialName.',
      ],
    },
    'without caCertificates: admitted with MG303',
  );

  t.same(
    await verdictOf(server, crossMesh({ ...withoutCa, insecureSkipVerify: true })),
    {
      allowed: true,
      warnings: [
        '[MG303] spec.subsets[0].trafficPolicy.portLevelSettings[0].tls.insecureSkipVerify: MUTUAL TLS to httpbin.mesh-b.example.com for ' +
          'port 443 of subset v1 skips verifying the server certificate, so anyone who can intercept the connection can impersonate ' +
          'httpbin.mesh-b.example.com and read the traffic. Remove insecureSkipVerify and set caCertificates to the CA that signed the server.',
      ],
    },
    'with insecureSkipVerify: admitted with MG303',
  );
});
