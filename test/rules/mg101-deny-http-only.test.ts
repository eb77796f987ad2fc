import t from 'tap';
import { mg101 } from '../../src/rules/mg101-deny-http-only.js';
import type { AuthorizationPolicySpec } from '../../src/istio/kinds.js';
import { check } from '../helpers/rules.js';

const deny = (rules: AuthorizationPolicySpec['rules'], extra: AuthorizationPolicySpec = {}): AuthorizationPolicySpec => ({ action: 'DENY', rules, ...extra });
const selector = { selector: { matchLabels: { app: 'tcp-echo' } } };

t.test('MG101 denies a DENY rule with only methods', async (t) => {
  t.same(check(mg101, 'AuthorizationPolicy', deny([{ to: [{ operation: { methods: ['GET'] } }] }], selector)), [
    {
      rule: 'MG101',
      severity: 'deny',
      path: 'spec.rules[0].to[0].operation.methods',
      message:
        'DENY rule uses only HTTP attributes (methods), so on TCP ports Istio drops them and the rule matches every connection: all TCP ' +
        'traffic to the selected workloads is denied. Add ports: [...] listing the HTTP ports to the same operation to limit the rule to them.',
    },
  ]);
});

t.test('MG101 admits the same rule once ports are listed', async (t) => {
  t.same(check(mg101, 'AuthorizationPolicy', deny([{ to: [{ operation: { methods: ['GET'], ports: ['8080'] } }] }], selector)), []);
  t.same(check(mg101, 'AuthorizationPolicy', deny([{ to: [{ operation: { paths: ['/admin'], notPorts: ['9000'] } }] }], selector)), [], 'notPorts also limits it');
  t.same(
    check(mg101, 'AuthorizationPolicy', deny([{ to: [{ operation: { paths: ['/admin'] } }], when: [{ key: 'destination.port', values: ['8080'] }] }])),
    [],
    'a destination.port condition limits it too',
  );
});

t.test('MG101 leaves ALLOW and AUDIT policies and DENY rules without HTTP attributes alone', async (t) => {
  const methodsOnly = [{ to: [{ operation: { methods: ['GET'] } }] }];
  t.same(check(mg101, 'AuthorizationPolicy', { action: 'ALLOW', rules: methodsOnly }), []);
  t.same(check(mg101, 'AuthorizationPolicy', { action: 'AUDIT', rules: methodsOnly }), []);
  t.same(check(mg101, 'AuthorizationPolicy', deny([{ from: [{ source: { namespaces: ['legacy'] } }] }])), []);
});

t.test('MG101 denies request principals and header conditions with the fix that fits where they are', async (t) => {
  t.same(check(mg101, 'AuthorizationPolicy', deny([{ from: [{ source: { requestPrincipals: ['*'] } }] }]), { namespace: 'istio-system' }), [
    {
      rule: 'MG101',
      severity: 'deny',
      path: 'spec.rules[0].from[0].source.requestPrincipals',
      message:
        'DENY rule uses only HTTP attributes (requestPrincipals), so on TCP ports Istio drops them and the rule matches every connection: ' +
        'all TCP traffic to every workload in the mesh is denied. Add to: [{operation: {ports: [...]}}] listing the HTTP ports to limit the rule to them.',
    },
  ]);
  const [finding] = check(mg101, 'AuthorizationPolicy', deny([{ when: [{ key: 'request.headers[x-canary]', values: ['1'] }] }]));
  t.equal(finding?.path, 'spec.rules[0].when[0]');
  t.match(finding?.message, /^DENY rule uses only HTTP attributes \(when request\.headers\[x-canary\]\), .* every workload in namespace foo is denied\./);
});

t.test('MG101 warns about HTTP attributes next to source conditions without ports, naming the conditions that remain on TCP', async (t) => {
  const rules = [{ from: [{ source: { principals: ['cluster.local/ns/foo/sa/client'] } }], to: [{ operation: { paths: ['/admin'] } }] }];
  t.same(check(mg101, 'AuthorizationPolicy', deny(rules)), [
    {
      rule: 'MG101',
      severity: 'warn',
      path: 'spec.rules[0].to[0].operation.paths',
      message:
        'DENY rule combines HTTP attributes (paths) with spec.rules[0].from[0].source.principals and lists no ports, so on TCP ports Istio ' +
        'drops the HTTP attributes and denies every TCP connection to every workload in namespace foo that the remaining conditions match. ' +
        'Add ports: [...] listing the HTTP ports to the same operation to limit the rule to them.',
    },
  ]);
});

t.test('MG101 finds the rule that covers every port among several', async (t) => {
  const rules = [
    { to: [{ operation: { methods: ['POST'], ports: ['8080'] } }] },
    { from: [{ source: { requestPrincipals: ['issuer/subject'] } }], to: [{ operation: { ports: ['8080'] } }, { operation: { hosts: ['a.example.com'] } }] },
  ];
  const findings = check(mg101, 'AuthorizationPolicy', deny(rules));
  t.same(findings.map((f) => f.path), ['spec.rules[1].from[0].source.requestPrincipals']);
  t.match(findings[0]?.message, /Add ports: \[\.\.\.\] listing the HTTP ports to each to\[\]\.operation to limit the rule to them\.$/);
});

t.test('MG101 points at the operation without ports when another operation has them', async (t) => {
  const rules = [{ to: [{ operation: { methods: ['GET'], ports: ['8080'] } }, { operation: { paths: ['/admin'] } }] }];
  t.same(check(mg101, 'AuthorizationPolicy', deny(rules)), [
    {
      rule: 'MG101',
      severity: 'deny',
      path: 'spec.rules[0].to[1].operation.paths',
      message:
        'DENY rule uses only HTTP attributes (paths), so on TCP ports Istio drops them and the rule matches every connection: all ' +
        'TCP traffic to every workload in namespace foo is denied. Add ports: [...] listing the HTTP ports to the same operation to limit the rule to them.',
    },
  ]);
});
