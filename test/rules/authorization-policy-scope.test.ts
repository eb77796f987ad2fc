import t from 'tap';
import { NO_CLUSTER } from '../../src/cluster/no-cluster.js';
import type { ClusterView } from '../../src/cluster/view.js';
import type { PolicyObject } from '../../src/cluster/model.js';
import { mg103 } from '../../src/rules/mg103-mesh-wide-deny-all.js';
import { mg104 } from '../../src/rules/mg104-root-allow-nothing.js';
import { mg111 } from '../../src/rules/mg111-from-to-split.js';
import { check } from '../helpers/rules.js';

const root = { namespace: 'istio-system' };

t.test('MG103 denies a selectorless DENY rule that matches every request in the root namespace', async (t) => {
  t.same(check(mg103, 'AuthorizationPolicy', { action: 'DENY', rules: [{}] }, root), [
    {
      rule: 'MG103',
      severity: 'deny',
      path: 'spec.rules[0]',
      message:
        'DENY rule matches every request and the policy has no selector in the root namespace istio-system, so it applies to every workload ' +
        'in the mesh: all traffic is denied, and no ALLOW policy can re-open it because Istio evaluates DENY before ALLOW. Give the rule ' +
        'from/to/when conditions that name what to deny, or add a selector (or move the policy to the namespace it is meant for).',
    },
  ]);
  const wildcard = check(mg103, 'AuthorizationPolicy', { action: 'DENY', rules: [{ to: [{ operation: { paths: ['*'], methods: ['*'] } }] }] }, root);
  t.same(wildcard.map((f) => f.path), ['spec.rules[0]'], 'paths and methods of * match every request too');
});

t.test('MG103 admits the look-alikes: another namespace, a selector, a targetRef, a condition', async (t) => {
  t.same(check(mg103, 'AuthorizationPolicy', { action: 'DENY', rules: [{}] }, { namespace: 'legacy' }), [], 'namespace-wide deny-all');
  t.same(check(mg103, 'AuthorizationPolicy', { action: 'DENY', rules: [{}], selector: { matchLabels: { app: 'x' } } }, root), []);
  t.same(check(mg103, 'AuthorizationPolicy', { action: 'DENY', rules: [{}], targetRefs: [{ kind: 'Gateway', group: 'gateway.networking.k8s.io', name: 'gw' }] }, root), []);
  t.same(check(mg103, 'AuthorizationPolicy', { action: 'DENY', rules: [{ from: [{ source: { notNamespaces: ['istio-system'] } }] }] }, root), []);
  t.same(check(mg103, 'AuthorizationPolicy', { action: 'DENY', rules: [{ when: [{ key: 'source.ip', values: ['10.0.0.0/8'] }] }] }, root), []);
  t.same(check(mg103, 'AuthorizationPolicy', { action: 'ALLOW', rules: [{}] }, root), [], 'ALLOW everything is not a denial');
});

t.test('MG104 warns about allow-nothing in the root namespace', async (t) => {
  const message =
    'ALLOW policy without rules (allow-nothing) in the root namespace istio-system applies to every workload in the mesh: every request ' +
    'to a sidecar is denied unless another ALLOW policy matches it. Apply the ALLOW policies each namespace needs before this one, or start ' +
    'with allow-nothing in the namespaces that are ready.';
  t.same(check(mg104, 'AuthorizationPolicy', {}, root), [{ rule: 'MG104', severity: 'warn', path: 'spec', message }]);
  t.same(check(mg104, 'AuthorizationPolicy', { action: 'ALLOW', rules: [] }, root).length, 1, 'rules: [] is allow-nothing too');
});

t.test('MG104 admits allow-nothing in an ordinary namespace, and an ALLOW with rules in the root namespace', async (t) => {
  t.same(check(mg104, 'AuthorizationPolicy', {}, { namespace: 'default' }), []);
  t.same(check(mg104, 'AuthorizationPolicy', { rules: [{ from: [{ source: { namespaces: ['istio-system'] } }] }] }, root), []);
  t.same(check(mg104, 'AuthorizationPolicy', { selector: { matchLabels: { app: 'gateway' } } }, root), []);
});

t.test('MG104 names the namespaces with sidecars and no ALLOW policy when cluster state is synced', async (t) => {
  const allow = (namespace: string, rules: number): PolicyObject<'AuthorizationPolicy'> => ({
    kind: 'AuthorizationPolicy',
    namespace,
    name: 'p',
    annotations: {},
    spec: { rules: Array.from({ length: rules }, () => ({ from: [{ source: { namespaces: ['x'] } }] })) },
  });
  const meshed: Record<string, number> = { 'istio-system': 3, bookinfo: 4, shop: 2, payments: 1, 'kube-system': 0 };
  const policies: Record<string, Array<PolicyObject<'AuthorizationPolicy'>>> = { bookinfo: [allow('bookinfo', 1)], shop: [allow('shop', 0)] };
  const view: ClusterView = {
    ...NO_CLUSTER,
    synced: true,
    namespaces: () => Object.keys(meshed).map((name) => ({ name, labels: {} })),
    podCounts: (ns) => ({ meshed: meshed[ns] ?? 0, unmeshed: 0 }),
    policies: ((kind: string, ns: string) => (kind === 'AuthorizationPolicy' ? (policies[ns] ?? []) : [])) as ClusterView['policies'],
  };
  const [finding] = check(mg104, 'AuthorizationPolicy', {}, { ...root, view });
  t.match(
    finding?.message,
    'every request to a sidecar is denied unless another ALLOW policy matches it. 2 of the 3 namespaces with sidecars have no ALLOW policy ' +
      'of their own yet (payments, shop) and lose all traffic. Apply the ALLOW policies',
  );
});

t.test('MG111 warns when one ALLOW rule has only from and another only to', async (t) => {
  const spec = {
    rules: [{ from: [{ source: { namespaces: ['frontend'] } }] }, { to: [{ operation: { methods: ['GET'], paths: ['/api/*'] } }] }],
  };
  t.same(check(mg111, 'AuthorizationPolicy', spec), [
    {
      rule: 'MG111',
      severity: 'warn',
      path: 'spec.rules[1]',
      message:
        'ALLOW rules are ORed: rules[0] (only from) lets those sources call every path, method and port, and rules[1] (only to) lets every ' +
        'source call these operations. To allow only those sources to call these operations, put from and to in the same rule.',
    },
  ]);
});

t.test('MG111 admits from and to in one rule, and the same split in a DENY policy', async (t) => {
  const together = { rules: [{ from: [{ source: { namespaces: ['frontend'] } }], to: [{ operation: { methods: ['GET'] } }] }] };
  t.same(check(mg111, 'AuthorizationPolicy', together), []);
  const split = { action: 'DENY' as const, rules: [{ from: [{ source: { namespaces: ['x'] } }] }, { to: [{ operation: { paths: ['/admin'] } }] }] };
  t.same(check(mg111, 'AuthorizationPolicy', split), []);
  const twoSources = { rules: [{ from: [{ source: { namespaces: ['a'] } }] }, { from: [{ source: { namespaces: ['b'] } }] }] };
  t.same(check(mg111, 'AuthorizationPolicy', twoSources), [], 'two from-only rules are a plain list of sources');
});
