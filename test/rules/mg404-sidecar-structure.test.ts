import t from 'tap';
import type { SidecarSpec } from '../../src/istio/kinds.js';
import { mg404 } from '../../src/rules/mg404-sidecar-structure.js';
import { check } from '../helpers/rules.js';

type Ingress = NonNullable<SidecarSpec['ingress']>[number];
const REJECTED = ', so istiod rejects the Sidecar and none of it takes effect. ';
const tls = { mode: 'SIMPLE' as const, serverCertificate: '/etc/istio/tls-certs/tls.crt', privateKey: '/etc/istio/tls-certs/tls.key' };
const https = (extra: Partial<Ingress> = {}): Ingress => ({ port: { number: 8443, protocol: 'HTTPS', name: 'https' }, defaultEndpoint: '127.0.0.1:8080', tls, ...extra });
const sidecar = (...ingress: Ingress[]): SidecarSpec => ({ workloadSelector: { labels: { app: 'web' } }, ingress });
const paths = (spec: SidecarSpec) => check(mg404, 'Sidecar', spec).map((f) => f.path);

t.test('MG404 admits SIMPLE and MUTUAL ingress TLS from files on an HTTPS or TLS port', async (t) => {
  t.same(paths(sidecar(https(), https({ port: { number: 9443, protocol: 'tls' }, tls: { ...tls, mode: 'MUTUAL', caCertificates: '/etc/ca.crt' } }))), []);
  t.same(paths(sidecar(https({ defaultEndpoint: 'unix:///var/run/app.sock' }), https({ port: { number: 8444, protocol: 'HTTPS' }, defaultEndpoint: '[::1]:8080' }))), []);
});

t.test('MG404 denies ISTIO_MUTUAL on a Sidecar ingress listener', async (t) => {
  t.same(check(mg404, 'Sidecar', sidecar(https({ tls: { mode: 'ISTIO_MUTUAL' } }))), [
    {
      rule: 'MG404',
      severity: 'deny',
      path: 'spec.ingress[0].tls.mode',
      message: `mode ISTIO_MUTUAL cannot terminate TLS on a Sidecar ingress listener${REJECTED}Use SIMPLE or MUTUAL with certificate files, or drop tls and let PeerAuthentication handle Istio mTLS.`,
    },
  ]);
});

t.test('MG404 denies TLS on a port whose protocol is not HTTPS or TLS', async (t) => {
  t.same(check(mg404, 'Sidecar', sidecar(https({ port: { number: 8080, protocol: 'HTTP' } }))), [
    {
      rule: 'MG404',
      severity: 'deny',
      path: 'spec.ingress[0].port.protocol',
      message: `the listener has TLS settings but port.protocol is "HTTP", not HTTPS or TLS${REJECTED}Set port.protocol to HTTPS (or TLS for non-HTTP traffic).`,
    },
  ]);
});

t.test('MG404 denies the other server TLS fields a Sidecar does not support, once each', async (t) => {
  const unsupported = https({ tls: { ...tls, credentialNames: ['a'], subjectAltNames: ['x'], httpsRedirect: true } });
  t.same(paths(sidecar(unsupported)), ['spec.ingress[0].tls.credentialNames', 'spec.ingress[0].tls.subjectAltNames', 'spec.ingress[0].tls.httpsRedirect']);
  t.same(paths(sidecar(https({ tls: { mode: 'MUTUAL', tlsCertificates: [{ serverCertificate: '/a', privateKey: '/b' }], caCertificates: '/c' } }))), ['spec.ingress[0].tls.tlsCertificates']);
});

t.test('MG404 denies SIMPLE without a certificate and a CRL with SIMPLE', async (t) => {
  t.same(paths(sidecar(https({ tls: { mode: 'SIMPLE', privateKey: '/k', caCrl: '/crl.pem' } }))), ['spec.ingress[0].tls.serverCertificate', 'spec.ingress[0].tls.caCrl']);
});

t.test('MG404 denies broken ingress listeners: port, protocol, targetPort, bind, defaultEndpoint, duplicates', async (t) => {
  const spec = sidecar(
    { port: { number: 0, protocol: 'HTTP' } },
    { port: { number: 8080, protocol: 'SOAP', targetPort: 9090 }, bind: 'localhost', defaultEndpoint: 'app:8080' },
    { port: { number: 8080, protocol: 'HTTP' }, defaultEndpoint: '127.0.0.1:99999' },
  );
  t.same(paths(spec), [
    'spec.ingress[0].port.number',
    'spec.ingress[1].port.protocol',
    'spec.ingress[1].port.targetPort',
    'spec.ingress[1].bind',
    'spec.ingress[1].defaultEndpoint',
    'spec.ingress[2].defaultEndpoint',
    'spec.ingress[2].port.number',
  ]);
});

t.test('MG404 denies an empty Sidecar and selector wildcards, and admits an egress-only Sidecar', async (t) => {
  t.same(check(mg404, 'Sidecar', {}), [{ rule: 'MG404', severity: 'deny', path: 'spec', message: `the Sidecar configures nothing${REJECTED}Add ingress, egress or outboundTrafficPolicy, or delete the Sidecar.` }]);
  t.same(paths({ workloadSelector: { labels: { app: 'web*' } }, egress: [{ hosts: ['./*'] }] }), ['spec.workloadSelector.labels["app"]']);
  t.same(paths({ egress: [{ hosts: ['./*', 'istio-system/*'] }] }), []);
});
