import t from 'tap';
import { mg112 } from '../../../src/rules/mg112-authz-service-port.js';
import { mg208 } from '../../../src/rules/mg208-port-level-service-port.js';
import { deployment, istio, namespace, review, service, view } from '../../helpers/cluster.js';
import { lines } from '../../helpers/rules.js';

const world = [
  namespace('foo'),
  deployment('foo', 'httpbin', { ports: [8080] }),
  service('foo', 'httpbin', [{ name: 'http', port: 8000, targetPort: 8080 }]),
  istio('PeerAuthentication', 'foo', 'default', { mtls: { mode: 'PERMISSIVE' } }, '2024-01-01T00:00:00Z'),
];
const portLevel = (port: string, mode: string) =>
  istio('PeerAuthentication', 'foo', 'httpbin', { selector: { matchLabels: { app: 'httpbin' } }, portLevelMtls: { [port]: { mode } } });

t.test('MG208 denies a STRICT portLevelMtls keyed by the Service port', async (t) => {
  t.same(lines(review(mg208, portLevel('8000', 'STRICT'), { view: view(world) })), [
    '[MG208] deny spec.portLevelMtls["8000"]: 8000 is the port of Service foo/httpbin, which forwards to container port 8080 of ' +
      "Deployment/httpbin in foo, and Istio keys portLevelMtls by the workload's container port, so this entry silently never applies: " +
      'the STRICT is never enforced and container port 8080 stays PERMISSIVE. Key the entry by "8080".',
  ]);
});

t.test('MG208 warns for a DISABLE keyed by the Service port, and admits the container port', async (t) => {
  const disable = review(mg208, portLevel('8000', 'DISABLE'), { view: view(world) });
  t.same(disable.map((f) => f.severity), ['warn']);
  t.match(disable[0]!.message, /the DISABLE never applies and container port 8080 stays PERMISSIVE/);
  t.same(review(mg208, portLevel('8080', 'STRICT'), { view: view(world) }), []);
});

t.test('MG208 admits a Service port number that is also a container port of the workload', async (t) => {
  const same = [namespace('foo'), deployment('foo', 'httpbin', { ports: [8080, 8000] }), service('foo', 'httpbin', [{ name: 'http', port: 8000, targetPort: 8080 }])];
  t.same(review(mg208, portLevel('8000', 'STRICT'), { view: view(same) }), []);
});

const policy = (action: string, ports: string[]) =>
  istio('AuthorizationPolicy', 'foo', 'httpbin', { selector: { matchLabels: { app: 'httpbin' } }, action, rules: [{ to: [{ operation: { ports, methods: ['GET'] } }] }] });

t.test('MG112 denies a DENY on the Service port: it never matches', async (t) => {
  t.same(lines(review(mg112, policy('DENY', ['8000']), { view: view(world) })), [
    '[MG112] deny spec.rules[0].to[0].operation.ports[0]: 8000 is the port of Service foo/httpbin, which forwards to container port 8080 ' +
      'of Deployment/httpbin in foo, and AuthorizationPolicy ports are the container ports the sidecar receives on, so this value never ' +
      'matches: the DENY rule never matches the requests it names, so they are allowed. Write "8080" instead.',
  ]);
});

t.test('MG112 warns for an ALLOW on the Service port and admits the container port', async (t) => {
  t.same(review(mg112, policy('ALLOW', ['8000']), { view: view(world) }).map((f) => f.severity), ['warn']);
  t.same(review(mg112, policy('ALLOW', ['8080']), { view: view(world) }), []);
  t.same(review(mg112, policy('DENY', ['8080']), { view: view(world) }), []);
});

t.test('MG112 reads when destination.port too', async (t) => {
  const when = istio('AuthorizationPolicy', 'foo', 'httpbin', { action: 'DENY', rules: [{ when: [{ key: 'destination.port', values: ['8000'] }] }] });
  t.same(review(mg112, when, { view: view(world) }).map((f) => f.path), ['spec.rules[0].when[0].values[0]']);
});
