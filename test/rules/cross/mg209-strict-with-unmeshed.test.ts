import t from 'tap';
import { mg209 } from '../../../src/rules/mg209-strict-with-unmeshed.js';
import { deployment, istio, namespace, review, view } from '../../helpers/cluster.js';
import { lines } from '../../helpers/rules.js';

const meshed = [namespace('shop'), deployment('shop', 'cart'), namespace('kube-system', {}), deployment('kube-system', 'coredns')];
const strict = (ns: string, spec: object = {}) => istio('PeerAuthentication', ns, 'default', { mtls: { mode: 'STRICT' }, ...spec });

t.test('MG209 warns that STRICT cuts off pods without a sidecar, counted per namespace', async (t) => {
  const cluster = view([...meshed, namespace('batch', {}), deployment('batch', 'report', { replicas: 3 })]);
  t.same(lines(review(mg209, strict('shop'), { view: cluster })), [
    '[MG209] warn spec.mtls.mode: STRICT makes Deployment/cart in shop refuse plaintext, but 3 pods without a sidecar run in batch (3): ' +
      'every request they send to these workloads will be reset. Mesh those callers first (label their namespaces istio-injection=enabled ' +
      'and restart them), or keep PERMISSIVE until they are meshed.',
  ]);
});

t.test('MG209 admits STRICT when every caller is meshed (kube-system does not count)', async (t) => {
  t.same(review(mg209, strict('shop'), { view: view(meshed) }), []);
});

t.test('MG209 says nothing when the workloads were already STRICT (mesh-wide)', async (t) => {
  const cluster = view([...meshed, namespace('batch', {}), deployment('batch', 'report'), istio('PeerAuthentication', 'istio-system', 'default', { mtls: { mode: 'STRICT' } }, '2024-01-01T00:00:00Z')]);
  t.same(review(mg209, strict('shop'), { view: cluster }), []);
});

t.test('MG209 warns that STRICT does not reach selected pods without a sidecar', async (t) => {
  const cluster = view([namespace('legacy', {}), deployment('legacy', 'billing', { replicas: 2 })]);
  t.same(lines(review(mg209, strict('legacy', { selector: { matchLabels: { app: 'billing' } } }), { view: cluster })), [
    '[MG209] warn spec.mtls.mode: 2 pods this PeerAuthentication applies to have no sidecar (Deployment/billing in legacy), and ' +
      'PeerAuthentication is enforced by the sidecar: they keep accepting plaintext from anyone. Inject the sidecar (istio-injection=enabled ' +
      'on the namespace, then restart the pods) for STRICT to protect them.',
  ]);
});

t.test('MG209 on a namespace-wide STRICT names only the workloads whose ports inherit the namespace mode', async (t) => {
  const workloadPolicy = (app: string, spec: object) => istio('PeerAuthentication', 'shop', `${app}-mtls`, { selector: { matchLabels: { app } }, ...spec }, '2024-01-01T00:00:00Z');
  const cluster = view([
    ...meshed,
    namespace('batch', {}),
    deployment('batch', 'report'),
    deployment('shop', 'pay', { ports: [8080, 9090] }),
    workloadPolicy('pay', { mtls: { mode: 'PERMISSIVE' } }),
    deployment('shop', 'web', { ports: [8080, 9090] }),
    workloadPolicy('web', { portLevelMtls: { 8080: { mode: 'PERMISSIVE' } } }),
    deployment('shop', 'legacy', { annotations: { 'sidecar.istio.io/inject': 'false' } }),
  ]);
  t.same(lines(review(mg209, strict('shop'), { view: cluster })), [
    '[MG209] warn spec.mtls.mode: STRICT makes Deployment/cart in shop, Deployment/web in shop refuse plaintext, but 2 pods without a sidecar ' +
      'run in batch (1), shop (1): every request they send to these workloads will be reset. Mesh those callers first (label their namespaces ' +
      'istio-injection=enabled and restart them), or keep PERMISSIVE until they are meshed.',
    '[MG209] warn spec.mtls.mode: 1 pod this PeerAuthentication applies to have no sidecar (Deployment/legacy in shop), and ' +
      'PeerAuthentication is enforced by the sidecar: they keep accepting plaintext from anyone. Inject the sidecar (istio-injection=enabled ' +
      'on the namespace, then restart the pods) for STRICT to protect them.',
  ]);
});
