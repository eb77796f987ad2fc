import t from 'tap';
import { mg200 } from '../../src/rules/mg200-peer-authentication-structure.js';
import { mg201 } from '../../src/rules/mg201-mesh-wide-disable.js';
import { mg203 } from '../../src/rules/mg203-port-level-without-selector.js';
import { check } from '../helpers/rules.js';

const workload = { selector: { matchLabels: { app: 'httpbin' } } };

t.test('MG201 denies mesh-wide DISABLE and admits DISABLE with a selector or in another namespace', async (t) => {
  t.same(check(mg201, 'PeerAuthentication', { mtls: { mode: 'DISABLE' } }, { namespace: 'istio-system' }).map((f) => f.path), ['spec.mtls.mode']);
  t.same(check(mg201, 'PeerAuthentication', { mtls: { mode: 'DISABLE' } }, { namespace: 'mesh-config', rootNamespace: 'mesh-config' }).length, 1, 'follows the configured root namespace');
  t.same(check(mg201, 'PeerAuthentication', { ...workload, mtls: { mode: 'DISABLE' } }, { namespace: 'istio-system' }), []);
  t.same(check(mg201, 'PeerAuthentication', { mtls: { mode: 'DISABLE' } }, { namespace: 'legacy' }), []);
  t.same(check(mg201, 'PeerAuthentication', { mtls: { mode: 'PERMISSIVE' } }, { namespace: 'istio-system' }), []);
});

t.test('MG203 denies portLevelMtls on a namespace-wide policy', async (t) => {
  t.same(check(mg203, 'PeerAuthentication', { mtls: { mode: 'STRICT' }, portLevelMtls: { 8080: { mode: 'DISABLE' } } }), [
    {
      rule: 'MG203',
      severity: 'deny',
      path: 'spec.portLevelMtls',
      message:
        'this PeerAuthentication has no selector, so it is namespace-wide (namespace foo), and Istio applies portLevelMtls only to a workload ' +
        'policy: istiod rejects it, and the port exceptions would never take effect. Move portLevelMtls to a PeerAuthentication with ' +
        'selector.matchLabels for the workload that owns those ports, and keep only mtls.mode here.',
    },
  ]);
  const meshWide = check(mg203, 'PeerAuthentication', { selector: { matchLabels: {} }, portLevelMtls: { 8080: { mode: 'DISABLE' } } }, { namespace: 'istio-system' });
  t.match(meshWide[0]?.message, /^this PeerAuthentication has no selector, so it is mesh-wide, /, 'an empty selector is no selector');
});

t.test('MG203 admits portLevelMtls on a workload policy', async (t) => {
  t.same(check(mg203, 'PeerAuthentication', { ...workload, mtls: { mode: 'STRICT' }, portLevelMtls: { 8080: { mode: 'DISABLE' } } }), []);
});

t.test('MG200 denies portLevelMtls keys that are not ports 1-65535, beyond MG203', async (t) => {
  const findings = check(mg200, 'PeerAuthentication', { ...workload, portLevelMtls: { 0: { mode: 'DISABLE' }, http: { mode: 'DISABLE' }, '8080-8090': { mode: 'STRICT' }, 9080: { mode: 'DISABLE' } } });
  t.same(findings.map((f) => f.path), ['spec.portLevelMtls["0"]', 'spec.portLevelMtls["http"]', 'spec.portLevelMtls["8080-8090"]']);
  t.equal(
    findings.find((f) => f.path === 'spec.portLevelMtls["http"]')?.message,
    'portLevelMtls key "http" is not a port number, so istiod rejects the policy and none of it takes effect. Key each entry by one workload (container) port number, e.g. "8080".',
  );
  t.same(check(mg200, 'PeerAuthentication', { ...workload, portLevelMtls: { 1: { mode: 'DISABLE' }, 65535: { mode: 'STRICT' } } }), []);
});

t.test('MG200 denies selector wildcards and admits plain labels', async (t) => {
  t.same(check(mg200, 'PeerAuthentication', { selector: { matchLabels: { app: '*' } } }).map((f) => f.path), ['spec.selector.matchLabels["app"]']);
  t.same(check(mg200, 'PeerAuthentication', { selector: { matchLabels: { app: 'httpbin', version: 'v1' } } }), []);
});
