import t from 'tap';
import { mg107 } from '../../../src/rules/mg107-namespace-not-found.js';
import { mg108 } from '../../../src/rules/mg108-service-account-not-found.js';
import { deployment, istio, namespace, review, serviceAccount, view } from '../../helpers/cluster.js';
import { lines } from '../../helpers/rules.js';

const cluster = view([
  namespace('bookinfo'),
  namespace('frontend'),
  serviceAccount('bookinfo', 'bookinfo-productpage'),
  deployment('bookinfo', 'details', { serviceAccount: 'bookinfo-details' }),
]);
const policy = (action: string, source: object, when?: object[]) =>
  istio('AuthorizationPolicy', 'bookinfo', 'details-viewer', { selector: { matchLabels: { app: 'details' } }, action, rules: [{ from: [{ source }], when }] });
const findings = (source: object, action = 'ALLOW', when?: object[]) => [
  ...lines(review(mg107, policy(action, source, when), { view: cluster })),
  ...lines(review(mg108, policy(action, source, when), { view: cluster })),
];

t.test('MG107 warns about a namespace in namespaces that does not exist: the ALLOW never admits those callers', async (t) => {
  t.same(findings({ namespaces: ['frontnd'] }), [
    '[MG107] warn spec.rules[0].from[0].source.namespaces[0]: namespace "frontnd" does not exist in the cluster, so no caller\'s identity ' +
      'carries it and the value never matches: the ALLOW rule never admits the requests it names, so they are denied. Check the name ' +
      'against kubectl get namespaces, or create Namespace frontnd before this policy.',
  ]);
});

t.test('MG107 admits namespaces that exist, the policy\'s own and the root namespace, and wildcards', async (t) => {
  t.same(findings({ namespaces: ['frontend', 'bookinfo', 'istio-system', '*', 'front*', '*end'] }), []);
});

t.test('MG107 takes the policy\'s own namespace as existing where the manifests do not declare it, and MG108 does not judge it', async (t) => {
  const undeclared = istio('AuthorizationPolicy', 'shop', 'cart', { rules: [{ from: [{ source: { namespaces: ['shop'], principals: ['cluster.local/ns/shop/sa/cart'] } }] }] });
  t.same([...review(mg107, undeclared, { view: cluster }), ...review(mg108, undeclared, { view: cluster })], []);
});

t.test('MG107 names the namespace of a cluster.local principal: a DENY never denies those callers', async (t) => {
  t.same(findings({ principals: ['cluster.local/ns/frontnd/sa/web'] }, 'DENY'), [
    '[MG107] warn spec.rules[0].from[0].source.principals[0]: principal "cluster.local/ns/frontnd/sa/web" names namespace frontnd, which ' +
      'does not exist in the cluster, so no caller\'s identity carries it and the value never matches: the DENY rule never matches the ' +
      'requests it names, so they are allowed. Check the name against kubectl get namespaces, or create Namespace frontnd before this policy.',
  ]);
});

t.test('MG107 reads notNamespaces, notPrincipals and source.* conditions, with the consequence of an exclusion', async (t) => {
  const reported = review(mg107, policy('DENY', { notNamespaces: ['frontnd'], notPrincipals: ['cluster.local/ns/backnd/sa/*'] }, [
    { key: 'source.namespace', values: ['ghost'] },
    { key: 'source.principal', notValues: ['cluster.local/ns/ghost/sa/web'] },
  ]), { view: cluster });
  t.same(reported.map((f) => f.path), [
    'spec.rules[0].from[0].source.notNamespaces[0]',
    'spec.rules[0].when[0].values[0]',
    'spec.rules[0].from[0].source.notPrincipals[0]',
    'spec.rules[0].when[1].notValues[0]',
  ]);
  t.match(reported[0]!.message, /the value never matches: the exclusion never applies and the DENY rule also denies the requests it was meant to spare\./);
});

t.test('MG107 leaves principals alone that may name another mesh, or no one namespace', async (t) => {
  t.same(findings({ principals: ['mesh-b.example.com/ns/frontnd/sa/web', '*/ns/frontnd/sa/web', 'cluster.local/ns/front*', '*'] }), []);
});

t.test('MG108 warns about a principal whose service account does not exist in its namespace', async (t) => {
  t.same(findings({ principals: ['cluster.local/ns/bookinfo/sa/bookinfo-productpag'] }), [
    '[MG108] warn spec.rules[0].from[0].source.principals[0]: principal "cluster.local/ns/bookinfo/sa/bookinfo-productpag" names ' +
      'ServiceAccount bookinfo/bookinfo-productpag, which does not exist, so no workload runs with that identity and the value never ' +
      'matches: the ALLOW rule never admits the requests it names, so they are denied. Check the name against kubectl get serviceaccounts ' +
      '-n bookinfo, or create the ServiceAccount before this policy.',
  ]);
});

t.test('MG108 admits service accounts that exist (default always does) and a * in place of the account', async (t) => {
  t.same(findings({ principals: ['cluster.local/ns/bookinfo/sa/bookinfo-productpage', 'cluster.local/ns/frontend/sa/default', 'cluster.local/ns/frontend/sa/*'] }), []);
});

t.test('MG108 stays silent where the namespace is missing: MG107 alone reports the principal', async (t) => {
  t.same(findings({ principals: ['cluster.local/ns/frontnd/sa/web'] }).map((line) => line.slice(0, 12)), ['[MG107] warn']);
});

t.test('serviceAccounts: a bare name is in the policy\'s namespace, namespace/name in the one it names', async (t) => {
  t.same(findings({ serviceAccounts: ['ghost', 'frontend/web', 'nowhere/web', 'bookinfo/bookinfo-productpage'] }).map((line) => line.split(':')[0]), [
    '[MG107] warn spec.rules[0].from[0].source.serviceAccounts[2]',
    '[MG108] warn spec.rules[0].from[0].source.serviceAccounts[0]',
    '[MG108] warn spec.rules[0].from[0].source.serviceAccounts[1]',
  ]);
  t.match(findings({ serviceAccounts: ['ghost'] })[0], /service account "ghost" names ServiceAccount bookinfo\/ghost, which does not exist/);
});
