import t from 'tap';
import { inboundBypass } from '../../../src/istio/inbound-capture.js';
import type { WorkloadInfo } from '../../../src/cluster/model.js';
import { mg305 } from '../../../src/rules/mg305-destination-rule-tls-deleted.js';
import { deployment, istio, namespace, review, service, view } from '../../helpers/cluster.js';
import { lines } from '../../helpers/rules.js';

const world = [namespace('shop'), deployment('shop', 'payments', { ports: [8443] }), service('shop', 'payments', [{ name: 'tcp-api', port: 443, targetPort: 8443 }])];
const pa = (mode: string) => istio('PeerAuthentication', 'shop', 'default', { mtls: { mode } }, '2024-01-01T00:00:00Z');
const rule = (name: string, host: string, tls: object, created = '2024-01-02T00:00:00Z') => istio('DestinationRule', 'shop', name, { host, trafficPolicy: { tls } }, created);
const deleting = (object: ReturnType<typeof rule>, cluster: object[]) => review(mg305, object, { view: view([...world, object, ...cluster] as never), operation: 'DELETE' });
const simple = rule('bank-api', 'api.bank.example.com', { mode: 'SIMPLE', caCertificates: '/etc/certs/bank/ca.crt' });

t.test('MG305 warns when deleting a DestinationRule that originates TLS to a host outside the mesh', async (t) => {
  t.same(lines(deleting(simple, [])), [
    '[MG305] warn spec.trafficPolicy.tls: deleting this DestinationRule stops the client sidecars originating SIMPLE TLS to ' +
      'api.bank.example.com: applications that send plaintext and rely on the sidecar to encrypt it then send it without that TLS ' +
      "(Istio's auto mTLS sends plaintext, or Istio mutual TLS to workloads with a sidecar), and a server that expects their TLS refuses the " +
      'connection. Keep this DestinationRule until the callers originate TLS themselves, or create its replacement for api.bank.example.com first.',
  ]);
});

t.test('MG305 admits deleting an origination rule once a replacement originates TLS for the host, or one that only reached STRICT sidecar ports', async (t) => {
  const replacement = rule('bank-api-v2', 'api.bank.example.com', { mode: 'MUTUAL', clientCertificate: '/c.crt', privateKey: '/c.key' }, '2024-01-03T00:00:00Z');
  t.same(deleting(simple, [replacement]), [], 'the replacement takes over');
  const toPayments = rule('payments', 'payments', { mode: 'SIMPLE' });
  t.same(deleting(toPayments, [pa('STRICT')]), [], 'STRICT refused that TLS: the rule never worked');
  t.same(deleting(toPayments, [pa('PERMISSIVE')]).map((f) => f.path), ['spec.trafficPolicy.tls'], 'PERMISSIVE passed it through to the application');
});

t.test('MG305 admits deleting ISTIO_MUTUAL and DISABLE rules: auto mTLS sends what the server accepts', async (t) => {
  t.same(deleting(rule('payments', 'payments', { mode: 'ISTIO_MUTUAL' }), [pa('STRICT')]), [], 'ISTIO_MUTUAL');
  t.same(deleting(rule('payments', 'payments', { mode: 'DISABLE' }), [pa('PERMISSIVE')]), [], 'DISABLE to PERMISSIVE');
});

t.test('MG305 warns when deleting a DISABLE rule for a port the server sidecar does not intercept', async (t) => {
  const bypassing = [namespace('shop'), deployment('shop', 'payments', { ports: [8443], annotations: { 'traffic.sidecar.istio.io/excludeInboundPorts': '8443' } }), world[2]!];
  const plaintext = rule('payments', 'payments', { mode: 'DISABLE' });
  const findings = review(mg305, plaintext, { view: view([...bypassing, plaintext]), operation: 'DELETE' });
  t.same(lines(findings), [
    "[MG305] warn spec.trafficPolicy.tls: deleting this DestinationRule lets Istio's auto mTLS send mutual TLS to payments, but the sidecar " +
      'does not intercept that port of Deployment/payments in shop (port 8443, traffic.sidecar.istio.io/excludeInboundPorts), so the ' +
      "application itself receives Istio's TLS, which it cannot read, and every connection fails. Keep this DestinationRule (tls.mode: " +
      'DISABLE) while the port bypasses the sidecar.',
  ]);
  t.same(review(mg305, plaintext, { view: view([...bypassing, plaintext, pa('DISABLE')]), operation: 'DELETE' }), [], 'DISABLE port: auto mTLS sends plaintext');
});

t.test('inboundBypass reads includeInboundPorts (a list, or * for every port) and excludeInboundPorts', async (t) => {
  const pod = (annotations: Record<string, string>) => ({ annotations }) as unknown as WorkloadInfo;
  t.equal(inboundBypass(pod({}), 8443), undefined, 'every port is captured by default');
  t.equal(inboundBypass(pod({ 'traffic.sidecar.istio.io/includeInboundPorts': '*' }), 8443), undefined);
  t.equal(inboundBypass(pod({ 'traffic.sidecar.istio.io/includeInboundPorts': '8080, 9090' }), 8443), 'traffic.sidecar.istio.io/includeInboundPorts');
  t.equal(inboundBypass(pod({ 'traffic.sidecar.istio.io/includeInboundPorts': '8080,8443' }), 8443), undefined);
  t.equal(inboundBypass(pod({ 'traffic.sidecar.istio.io/excludeInboundPorts': '15000,8443' }), 8443), 'traffic.sidecar.istio.io/excludeInboundPorts');
});
