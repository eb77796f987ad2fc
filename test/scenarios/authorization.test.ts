import t from 'tap';
import { admitted, verdictOf } from '../helpers/review-result.js';
import { startTestServer, type TestServer } from '../helpers/https-server.js';

let server: TestServer;
t.before(async () => {
  server = await startTestServer();
});
t.teardown(() => server.close());

const policy = (namespace: string, name: string, spec: Record<string, unknown>) => ({
  apiVersion: 'security.istio.io/v1',
  kind: 'AuthorizationPolicy',
  metadata: { name, namespace },
  spec,
});

const viewer = (app: string, principal?: string) => ({
  selector: { matchLabels: { app } },
  action: 'ALLOW',
  rules: [
    {
      ...(principal ? { from: [{ source: { principals: [principal] } }] } : {}),
      to: [{ operation: { methods: ['GET'] } }],
    },
  ],
});

t.test('scenario 1: Bookinfo policies in namespace default are admitted without warnings', async (t) => {
  const bookinfo = [
    policy('default', 'allow-nothing', {}),
    policy('default', 'productpage-viewer', viewer('productpage')),
    policy('default', 'details-viewer', viewer('details', 'cluster.local/ns/default/sa/bookinfo-productpage')),
    policy('default', 'reviews-viewer', viewer('reviews', 'cluster.local/ns/default/sa/bookinfo-productpage')),
    policy('default', 'ratings-viewer', viewer('ratings', 'cluster.local/ns/default/sa/bookinfo-reviews')),
  ];
  for (const object of bookinfo) t.same(await verdictOf(server, object), admitted, object.metadata.name);
});

t.test('scenario 2: TCP workload tcp-echo in namespace foo, judged from the object alone', async (t) => {
  const tcpEcho = { matchLabels: { app: 'tcp-echo' } };

  t.same(
    await verdictOf(server, policy('foo', 'tcp-policy', { selector: tcpEcho, action: 'ALLOW', rules: [{ to: [{ operation: { ports: ['9000', '9001'] } }] }] })),
    admitted,
    'ALLOW on ports 9000 and 9001 is admitted',
  );

  t.same(
    await verdictOf(server, policy('foo', 'tcp-policy', { selector: tcpEcho, action: 'DENY', rules: [{ to: [{ operation: { methods: ['GET'] } }] }] })),
    {
      allowed: false,
      message:
        '[MG101] spec.rules[0].to[0].operation.methods: DENY rule uses only HTTP attributes (methods), so on TCP ports Istio drops them ' +
        'and the rule matches every connection: all TCP traffic to the selected workloads is denied. ' +
        'Add ports: [...] listing the HTTP ports to the same operation to limit the rule to them.',
      warnings: [],
    },
    'DENY methods [GET] without ports is denied by MG101, which recommends listing the HTTP ports',
  );

  t.same(
    await verdictOf(
      server,
      policy('foo', 'tcp-policy', { selector: tcpEcho, action: 'DENY', rules: [{ to: [{ operation: { methods: ['GET'], ports: ['9000'] } }] }] }),
    ),
    admitted,
    'DENY methods [GET] on ports ["9000"] is admitted: the form Istio recommends, with no warning without cluster state',
  );
});
