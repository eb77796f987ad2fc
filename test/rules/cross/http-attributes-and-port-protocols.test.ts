import t from 'tap';
import { buildManifestView } from '../../../src/cluster/manifest-view.js';
import { mg101 } from '../../../src/rules/mg101-deny-http-only.js';
import { mg102 } from '../../../src/rules/mg102-allow-http-on-tcp-port.js';
import { mg115 } from '../../../src/rules/mg115-deny-http-on-tcp-port.js';
import { deployment, istio, namespace, review, service, view } from '../../helpers/cluster.js';
import { lines } from '../../helpers/rules.js';

const httpOnly = [namespace('web'), deployment('web', 'frontend', { ports: [8080] }), service('web', 'frontend', [{ name: 'http', port: 80, targetPort: 8080 }])];
const mixed = [
  namespace('shop'),
  deployment('shop', 'db', { ports: [8080, 3306] }),
  service('shop', 'db', [{ name: 'http-admin', port: 8080 }, { name: 'mysql', port: 3306 }]),
];
const policy = (ns: string, action: string, operation: object) =>
  istio('AuthorizationPolicy', ns, 'p', { selector: { matchLabels: { app: ns === 'web' ? 'frontend' : 'db' } }, action, rules: [{ to: [{ operation }] }] });

t.test('MG101 is downgraded to nothing when every port in scope is HTTP', async (t) => {
  t.same(review(mg101, policy('web', 'DENY', { methods: ['DELETE'] }), { view: view(httpOnly) }), []);
});

t.test('MG101 still denies when a port in scope is TCP, or when the view has not synced', async (t) => {
  t.same(review(mg101, policy('shop', 'DENY', { methods: ['DELETE'] }), { view: view(mixed) }).map((f) => f.rule), ['MG101']);
  const unsynced = buildManifestView(httpOnly, { synced: false });
  t.same(review(mg101, policy('web', 'DENY', { methods: ['DELETE'] }), { view: unsynced }).map((f) => f.rule), ['MG101']);
});

t.test('MG102 denies an ALLOW rule with HTTP attributes that applies to a TCP port', async (t) => {
  t.same(lines(review(mg102, policy('shop', 'ALLOW', { methods: ['GET'] }), { view: view(mixed) })), [
    '[MG102] deny spec.rules[0].to[0].operation.methods: ALLOW rule uses the HTTP attribute methods, and it applies to port 3306 of ' +
      'Deployment/db in shop (Service shop/db port 3306, MySQL), where Istio cannot read HTTP and drops the whole rule: the TCP traffic ' +
      'it was meant to allow there is denied. Limit this rule to the HTTP ports with ports: [...], and allow port 3306 in a separate ' +
      'rule without HTTP attributes.',
  ]);
});

t.test('MG102 admits the same ALLOW limited to the HTTP port, and an ALLOW on an HTTP-only workload', async (t) => {
  t.same(review(mg102, policy('shop', 'ALLOW', { methods: ['GET'], ports: ['8080'] }), { view: view(mixed) }), []);
  t.same(review(mg102, policy('web', 'ALLOW', { methods: ['GET'] }), { view: view(httpOnly) }), []);
});

t.test('MG115 warns about a DENY with HTTP attributes on a port the Service declares TCP', async (t) => {
  t.same(lines(review(mg115, policy('shop', 'DENY', { methods: ['DELETE'], ports: ['3306'] }), { view: view(mixed) })), [
    '[MG115] warn spec.rules[0].to[0].operation.methods: DENY rule uses the HTTP attribute methods on port 3306 of Deployment/db in shop ' +
      '(Service shop/db port 3306, MySQL), where Istio cannot read HTTP and ignores the attribute: every connection to that port that the ' +
      'other conditions match is denied. Remove port 3306 from this rule if only HTTP requests were meant, or give the port an HTTP name ' +
      'or appProtocol if it does speak HTTP.',
  ]);
});

t.test('MG115 admits HTTP attributes next to an HTTP port, and leaves rules without ports to MG101', async (t) => {
  t.same(review(mg115, policy('shop', 'DENY', { methods: ['DELETE'], ports: ['8080'] }), { view: view(mixed) }), []);
  t.same(review(mg115, policy('shop', 'DENY', { methods: ['DELETE'] }), { view: view(mixed) }), []);
});
