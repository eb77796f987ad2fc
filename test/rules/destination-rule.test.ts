import t from 'tap';
import type { DestinationRuleSpec } from '../../src/istio/kinds.js';
import { mg300 } from '../../src/rules/mg300-destination-rule-tls-structure.js';
import { mg303 } from '../../src/rules/mg303-tls-without-verification.js';
import { check } from '../helpers/rules.js';

type Tls = NonNullable<NonNullable<DestinationRuleSpec['trafficPolicy']>['tls']>;
const files = { clientCertificate: '/etc/certs/tls.crt', privateKey: '/etc/certs/tls.key', caCertificates: '/etc/certs/ca.crt' };
const dr = (tls: Tls): DestinationRuleSpec => ({ host: 'db.example.com', trafficPolicy: { tls } });

t.test('MG300 denies MUTUAL without a client certificate or key', async (t) => {
  t.same(check(mg300, 'DestinationRule', dr({ mode: 'MUTUAL', caCertificates: files.caCertificates })), [
    {
      rule: 'MG300',
      severity: 'deny',
      path: 'spec.trafficPolicy.tls.clientCertificate',
      message:
        'mode MUTUAL needs clientCertificate, so istiod rejects the DestinationRule and none of it takes effect. Set clientCertificate to the ' +
        'file mounted in the sidecar, or use credentialName.',
    },
    {
      rule: 'MG300',
      severity: 'deny',
      path: 'spec.trafficPolicy.tls.privateKey',
      message:
        'mode MUTUAL needs privateKey, so istiod rejects the DestinationRule and none of it takes effect. Set privateKey to the file mounted ' +
        'in the sidecar, or use credentialName.',
    },
  ]);
  t.same(check(mg300, 'DestinationRule', dr({ mode: 'MUTUAL', ...files })), [], 'the complete file form');
  t.same(check(mg300, 'DestinationRule', dr({ mode: 'MUTUAL', credentialName: 'db-client' })), [], 'the Secret form');
});

t.test('MG300 denies credentialName next to files, and insecureSkipVerify next to a CA', async (t) => {
  const both = check(mg300, 'DestinationRule', dr({ mode: 'SIMPLE', credentialName: 'db-ca', caCertificates: files.caCertificates, insecureSkipVerify: true }));
  t.same(both.map((f) => f.path), ['spec.trafficPolicy.tls.insecureSkipVerify', 'spec.trafficPolicy.tls.credentialName']);
  t.equal(
    both[0]?.message,
    'insecureSkipVerify: true contradicts caCertificates, credentialName, which exist to verify the server, so istiod rejects the ' +
      'DestinationRule and none of it takes effect. Remove insecureSkipVerify to verify the server (recommended), or remove the verification settings.',
  );
  t.same(check(mg300, 'DestinationRule', dr({ mode: 'MUTUAL', credentialName: 'db-client', insecureSkipVerify: true })), [], 'MUTUAL may keep credentialName');
  t.same(check(mg300, 'DestinationRule', dr({ mode: 'ISTIO_MUTUAL', insecureSkipVerify: true })), [], 'Istio mTLS is not checked here');
});

t.test('MG300 checks port-level and subset TLS and port-level settings without a port', async (t) => {
  const spec: DestinationRuleSpec = {
    host: 'db.example.com',
    trafficPolicy: { portLevelSettings: [{ tls: { mode: 'SIMPLE' } }] },
    subsets: [{ name: 'v2', trafficPolicy: { portLevelSettings: [{ port: { number: 5432 }, tls: { mode: 'MUTUAL', clientCertificate: '/c' } }] } }],
  };
  t.same(check(mg300, 'DestinationRule', spec).map((f) => f.path), [
    'spec.trafficPolicy.portLevelSettings[0].port',
    'spec.subsets[0].trafficPolicy.portLevelSettings[0].tls.privateKey',
  ]);
});

t.test('MG303 warns about SIMPLE TLS without a CA at the top level', async (t) => {
  t.same(check(mg303, 'DestinationRule', dr({ mode: 'SIMPLE' })), [
    {
      rule: 'MG303',
      severity: 'warn',
      path: 'spec.trafficPolicy.tls.caCertificates',
      message:
        "SIMPLE TLS to db.example.com names no CA to verify the server with: the sidecar falls back to the proxy's system trust store " +
        '(VERIFY_CERTIFICATE_AT_CLIENT), which rejects a server signed by a private or third-party root, or, with that setting off, accepts ' +
        'any certificate. Set caCertificates to the root CA file mounted in the sidecar, or use credentialName.',
    },
  ]);
});

t.test('MG303 admits TLS with a CA file or a credential, and Istio mTLS or plaintext', async (t) => {
  t.same(check(mg303, 'DestinationRule', dr({ mode: 'SIMPLE', caCertificates: '/etc/certs/ca.crt' })), []);
  t.same(check(mg303, 'DestinationRule', dr({ mode: 'MUTUAL', credentialName: 'db-client' })), []);
  t.same(check(mg303, 'DestinationRule', dr({ mode: 'ISTIO_MUTUAL' })), []);
  t.same(check(mg303, 'DestinationRule', dr({ mode: 'DISABLE' })), []);
});

t.test('MG303 warns about insecureSkipVerify even with a credential', async (t) => {
  t.same(check(mg303, 'DestinationRule', dr({ mode: 'MUTUAL', credentialName: 'db-client', insecureSkipVerify: true })).map((f) => f.path), [
    'spec.trafficPolicy.tls.insecureSkipVerify',
  ]);
  t.same(check(mg303, 'DestinationRule', dr({ mode: 'MUTUAL', credentialName: 'db-client', insecureSkipVerify: false })), []);
});
