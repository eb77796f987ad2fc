import t from 'tap';
import type { AuthorizationPolicySpec } from '../../src/istio/kinds.js';
import { mg100 } from '../../src/rules/mg100-authz-structure.js';
import { check } from '../helpers/rules.js';

const REJECTED = ', so istiod rejects the policy and none of it takes effect. ';
const paths = (spec: AuthorizationPolicySpec) => check(mg100, 'AuthorizationPolicy', spec).map((f) => f.path);

t.test('MG100 denies a selector next to targetRefs, with the field path and the fix', async (t) => {
  const spec: AuthorizationPolicySpec = {
    selector: { matchLabels: { app: 'httpbin' } },
    targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'ingress' }],
  };
  t.same(check(mg100, 'AuthorizationPolicy', spec), [
    {
      rule: 'MG100',
      severity: 'deny',
      path: 'spec.targetRefs',
      message: `selector and targetRefs are both set, and a policy chooses its workloads one way only${REJECTED}Keep selector for sidecar workloads, or targetRefs for a Gateway, Service or ServiceEntry.`,
    },
  ]);
  t.same(paths({ targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'ingress' }] }), [], 'targetRefs alone is fine');
  t.same(paths({ targetRef: { kind: 'Service', group: '', name: 'httpbin' } }), [], 'a core Service target is fine');
});

t.test('MG100 denies targets Istio cannot attach to and selector wildcards', async (t) => {
  t.same(paths({ targetRefs: [{ kind: 'Deployment', group: 'apps', name: 'web', namespace: 'other' }] }), ['spec.targetRefs[0].namespace', 'spec.targetRefs[0].kind']);
  t.same(paths({ selector: { matchLabels: { app: 'web-*' } } }), ['spec.selector.matchLabels["app"]']);
});

t.test('MG100 denies DENY and CUSTOM without rules, and the look-alike ALLOW without rules is allow-nothing', async (t) => {
  t.same(check(mg100, 'AuthorizationPolicy', { action: 'DENY' }), [
    {
      rule: 'MG100',
      severity: 'deny',
      path: 'spec.rules',
      message: `a DENY policy without rules is never triggered${REJECTED}Add rules: [{}] to apply it to every request in scope, or rules that say which requests it covers.`,
    },
  ]);
  t.same(paths({ action: 'CUSTOM', provider: { name: 'ext-authz' }, rules: [] }), ['spec.rules']);
  t.same(paths({}), []);
  t.same(paths({ action: 'DENY', rules: [{}] }), [], 'rules: [{}] is the explicit deny-everything form');
});

t.test('MG100 checks CUSTOM providers and the fields CUSTOM does not support', async (t) => {
  t.same(paths({ action: 'CUSTOM', rules: [{}] }), ['spec.provider.name']);
  t.same(paths({ action: 'ALLOW', provider: { name: 'ext-authz' }, rules: [{}] }), ['spec.provider']);
  const custom: AuthorizationPolicySpec = {
    action: 'CUSTOM',
    provider: { name: 'ext-authz' },
    rules: [{ from: [{ source: { principals: ['*'], ipBlocks: ['10.0.0.0/8'] } }], when: [{ key: 'request.auth.claims[groups]', values: ['admin'] }] }],
  };
  t.same(paths(custom), ['spec.rules[0].from[0].source.principals', 'spec.rules[0].when[0].key']);
  t.same(paths({ action: 'CUSTOM', provider: { name: 'ext-authz' }, rules: [{ to: [{ operation: { paths: ['/admin/*'] } }] }] }), []);
});

t.test('MG100 denies empty from/to lists and entries without conditions', async (t) => {
  const spec: AuthorizationPolicySpec = {
    action: 'DENY',
    rules: [{ from: [], to: [] }, { from: [{}], to: [{}] }, { from: [{ source: {} }], to: [{ operation: { methods: [] } }] }],
  };
  t.same(paths(spec), [
    'spec.rules[0].from',
    'spec.rules[0].to',
    'spec.rules[1].from[0]',
    'spec.rules[1].to[0]',
    'spec.rules[2].from[0].source',
    'spec.rules[2].to[0].operation',
  ]);
  t.same(check(mg100, 'AuthorizationPolicy', { rules: [{ from: [] }] })[0]?.message, `from is an empty list${REJECTED}Remove from, or list at least one source.`);
});

t.test('MG100 denies ports that are not integers 0-65535 or are ranges, and admits single ports', async (t) => {
  const spec: AuthorizationPolicySpec = { rules: [{ to: [{ operation: { ports: ['8000-8080', 'http', '70000', '0', '65535'], notPorts: [''] } }] }] };
  const findings = check(mg100, 'AuthorizationPolicy', spec);
  t.same(findings.map((f) => f.path), [
    'spec.rules[0].to[0].operation.ports[0]',
    'spec.rules[0].to[0].operation.ports[1]',
    'spec.rules[0].to[0].operation.ports[2]',
    'spec.rules[0].to[0].operation.notPorts[0]',
  ]);
  t.equal(
    findings[0]?.message,
    `ports has a bad value: "8000-8080" is a port range, and Istio matches single ports only${REJECTED}List single ports, one entry each (e.g. ["8080", "8443"]).`,
  );
});

t.test('MG100 denies invalid {*}/{**} path templates and admits valid ones', async (t) => {
  const spec: AuthorizationPolicySpec = { rules: [{ to: [{ operation: { paths: ['/{**}/{*}', '/users/{id}', '/a/{*}/b*', '/{*}/x', '/files/{**}'] } }] }] };
  const findings = check(mg100, 'AuthorizationPolicy', spec);
  t.same(findings.map((f) => f.path), ['spec.rules[0].to[0].operation.paths[0]', 'spec.rules[0].to[0].operation.paths[1]', 'spec.rules[0].to[0].operation.paths[2]']);
  t.equal(
    findings[0]?.message,
    `paths has path "/{**}/{*}", whose template is invalid: {**} must be the last operator of the template${REJECTED}Correct or remove the value.`,
  );
});

t.test('MG100 denies bad IPs and CIDRs in sources and conditions, and admits valid IPv4 and IPv6', async (t) => {
  const spec: AuthorizationPolicySpec = {
    rules: [
      {
        from: [{ source: { ipBlocks: ['10.0.0.0/8', '10.0.0.0/33', '2001:db8::/32', '300.1.1.1'], notRemoteIpBlocks: ['1.2.3.4', 'fe80::1%eth0/64'] } }],
        when: [{ key: 'destination.ip', values: ['10.1.2.3'], notValues: ['not-an-ip'] }],
      },
    ],
  };
  const findings = check(mg100, 'AuthorizationPolicy', spec);
  t.same(findings.map((f) => f.path), [
    'spec.rules[0].from[0].source.ipBlocks[1]',
    'spec.rules[0].from[0].source.ipBlocks[3]',
    'spec.rules[0].from[0].source.notRemoteIpBlocks[1]',
    'spec.rules[0].when[0].notValues[0]',
  ]);
  t.equal(findings[0]?.message, `ipBlocks has a bad value: "10.0.0.0/33" is not a CIDR range: the prefix length must be a number from 0 to 32${REJECTED}Correct or remove the value.`);
});

t.test('MG100 denies unknown when keys, malformed map keys and conditions without values', async (t) => {
  const spec: AuthorizationPolicySpec = {
    rules: [
      {
        when: [
          { key: 'request.header[x-user]', values: ['a'] },
          { key: 'request.headers', values: ['a'] },
          { key: 'destination.labels[app]', values: ['a'] },
          { key: 'source.namespace' },
          { key: 'request.headers[x-user]', values: ['alice'] },
          { key: 'request.auth.claims[groups]', notValues: ['guest'] },
          { key: 'source.serviceAccount', values: ['default/sleep'] },
          { key: 'experimental.envoy.filters.network.mysql_proxy[db.table]', values: ['[update]'] },
        ],
      },
    ],
  };
  const findings = check(mg100, 'AuthorizationPolicy', spec);
  t.same(findings.map((f) => f.path), ['spec.rules[0].when[0].key', 'spec.rules[0].when[1].key', 'spec.rules[0].when[2].key', 'spec.rules[0].when[3]']);
  t.equal(
    findings[0]?.message,
    `key "request.header[x-user]" is not an attribute Istio knows${REJECTED}Use one of source.ip, remote.ip, source.namespace, source.principal, request.headers[...], request.auth.*, destination.ip, destination.port, connection.sni.`,
  );
  t.equal(findings[1]?.message, `key "request.headers" must name its entry in brackets${REJECTED}Write it as request.headers[name], e.g. request.headers[x-user].`);
});

t.test('MG100 denies serviceAccounts mixed with principals, and malformed or empty values', async (t) => {
  const spec: AuthorizationPolicySpec = {
    rules: [{ from: [{ source: { serviceAccounts: ['ns/sa/extra'], namespaces: ['foo'] } }, { source: { principals: [''], serviceAccounts: ['default/sleep'] } }] }],
  };
  t.same(paths(spec), [
    'spec.rules[0].from[0].source.serviceAccounts',
    'spec.rules[0].from[0].source.serviceAccounts[0]',
    'spec.rules[0].from[1].source.serviceAccounts',
    'spec.rules[0].from[1].source.principals[0]',
  ]);
  t.same(paths({ rules: [{ from: [{ source: { serviceAccounts: ['default/sleep', 'sleep'] } }] }] }), []);
});
