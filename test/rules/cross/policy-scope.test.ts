import t from 'tap';
import { mg109 } from '../../../src/rules/mg109-authz-selector-matches-nothing.js';
import { mg204 } from '../../../src/rules/mg204-second-namespace-wide.js';
import { mg205 } from '../../../src/rules/mg205-root-namespace-selector.js';
import { mg206 } from '../../../src/rules/mg206-overlapping-workload-policies.js';
import { mg207 } from '../../../src/rules/mg207-peer-authentication-selector-matches-nothing.js';
import { appliesToWorkload, isMeshWide, reviewedPolicy, workloadsInScope } from '../../../src/istio/scope.js';
import type { KubeObject } from '../../../src/k8s/types.js';
import { deployment, istio, namespace, review, view } from '../../helpers/cluster.js';
import { lines } from '../../helpers/rules.js';

const world = [namespace('shop'), deployment('shop', 'cart', { labels: { tier: 'web' } })];
const pa = (ns: string, name: string, spec: object, created?: string) => istio('PeerAuthentication', ns, name, spec, created);
const select = (labels: Record<string, string>) => ({ selector: { matchLabels: labels }, mtls: { mode: 'STRICT' } });

t.test('MG204 denies a second namespace-wide PeerAuthentication, naming the one Istio keeps', async (t) => {
  const cluster = view([...world, pa('shop', 'default', { mtls: { mode: 'STRICT' } }, '2024-01-01T00:00:00Z')]);
  t.same(lines(review(mg204, pa('shop', 'permissive', { mtls: { mode: 'PERMISSIVE' } }), { view: cluster })), [
    '[MG204] deny spec.selector: this PeerAuthentication has no selector, so it is namespace-wide in shop, but PeerAuthentication ' +
      'shop/default already is, and Istio uses only the oldest selectorless policy of a namespace: this one is silently ignored and its mode ' +
      'never applies. Change PeerAuthentication shop/default instead, or add a selector to make this a workload policy.',
  ]);
});

t.test('MG204 admits an update of the namespace-wide policy itself, and a workload policy beside it', async (t) => {
  const existing = pa('shop', 'default', { mtls: { mode: 'STRICT' } }, '2024-01-01T00:00:00Z');
  const cluster = view([...world, existing]);
  t.same(review(mg204, pa('shop', 'default', { mtls: { mode: 'PERMISSIVE' } }, '2024-01-01T00:00:00Z'), { view: cluster, operation: 'UPDATE' }), []);
  t.same(review(mg204, pa('shop', 'cart', select({ app: 'cart' })), { view: cluster }), []);
});

t.test('MG205 warns about a selector in the root namespace and admits it elsewhere', async (t) => {
  t.same(lines(review(mg205, pa('istio-system', 'gw', select({ app: 'gw' })), { view: view(world) })), [
    '[MG205] warn spec.selector: a PeerAuthentication with a selector in the root namespace istio-system is ignored by Istio for every ' +
      'workload, those in istio-system included (ComposePeerAuthentication reads only its selectorless policy there): its mode never ' +
      'applies. Create it in the namespace of the workloads it selects.',
  ]);
  t.same(review(mg205, pa('shop', 'cart', select({ app: 'cart' })), { view: view(world) }), []);
  t.same(review(mg205, pa('istio-system', 'default', { mtls: { mode: 'STRICT' } }), { view: view(world) }), [], 'mesh-wide, no selector');
});

t.test('MG206 warns when two workload policies select one workload, naming the winner', async (t) => {
  const cluster = view([...world, pa('shop', 'web', select({ tier: 'web' }), '2024-01-01T00:00:00Z')]);
  t.same(lines(review(mg206, pa('shop', 'cart', select({ app: 'cart' })), { view: cluster })), [
    '[MG206] warn spec.selector.matchLabels: this selector matches Deployment/cart in shop, which PeerAuthentication shop/web also selects, ' +
      'and Istio applies only the oldest workload policy to a workload: PeerAuthentication shop/web wins and this one is silently ignored ' +
      'there. Merge the two into one policy, or make their selectors disjoint.',
  ]);
  t.same(review(mg206, pa('shop', 'cart', select({ app: 'cart' })), { view: view(world) }), [], 'alone on the workload');
});

t.test('MG207 and MG109 warn about a selector that matches no workload, and admit one that does', async (t) => {
  t.same(lines(review(mg207, pa('shop', 'typo', select({ app: 'kart' })), { view: view(world) })), [
    '[MG207] warn spec.selector.matchLabels: selector {app: kart} matches no workload in namespace shop: the mode applies to nothing, and ' +
      'the workloads it was written for keep the namespace or mesh mode. Check the labels against the pods (kubectl get pods -n shop ' +
      '--show-labels), or apply the workload first.',
  ]);
  t.same(review(mg207, pa('shop', 'cart', select({ app: 'cart' })), { view: view(world) }), []);
  const policy = (labels: Record<string, string>, ns = 'shop') => istio('AuthorizationPolicy', ns, 'allow', { selector: { matchLabels: labels }, rules: [{}] });
  t.match(review(mg109, policy({ app: 'kart' }), { view: view(world) })[0]?.message, /^selector \{app: kart\} matches no workload in namespace shop: the policy applies to nothing/);
  t.same(review(mg109, policy({ app: 'cart' }), { view: view(world) }), []);
  t.same(review(mg109, policy({ app: 'cart' }, 'istio-system'), { view: view(world) }), [], 'a root-namespace selector matches in every namespace');
});

t.test('appliesToWorkload answers for one workload what workloadsInScope answers, for AuthorizationPolicies and RequestAuthentications of its namespace and of the root namespace', async (t) => {
  const cluster = view([...world, namespace('admin'), deployment('admin', 'cart', { labels: { tier: 'web' } }), deployment('istio-system', 'cart')]);
  const scopes = [{}, { selector: { matchLabels: { app: 'cart' } } }, { selector: { matchLabels: { app: 'cart', tier: 'web' } } }, { targetRefs: [{ kind: 'Gateway', name: 'g' }] }];
  for (const kind of ['AuthorizationPolicy', 'RequestAuthentication'] as const) {
    for (const ns of ['shop', 'istio-system']) {
      for (const scope of scopes) {
        const policy = reviewedPolicy(kind, istio(kind, ns, 'p', scope) as KubeObject<never>, ns);
        const inScope = new Set(workloadsInScope(cluster, policy, 'istio-system'));
        for (const workload of cluster.allWorkloads()) {
          if (workload.namespace !== ns && ns !== 'istio-system') continue;
          t.equal(appliesToWorkload(policy, workload), inScope.has(workload), `${kind} in ${ns} ${JSON.stringify(scope)}: ${workload.ref} in ${workload.namespace}`);
        }
      }
      const targeted = reviewedPolicy(kind, istio(kind, ns, 'gw', { targetRefs: [{ kind: 'Gateway', name: 'g' }] }) as KubeObject<never>, ns);
      t.equal(isMeshWide(targeted, 'istio-system'), false, `${kind} in ${ns} with targetRefs applies to its gateways, not to the mesh`);
    }
  }
});
