import t from 'tap';
import type { AuthorizationPolicySpec } from '../../src/istio/kinds.js';
import { mg105 } from '../../src/rules/mg105-principal-format.js';
import { mg110 } from '../../src/rules/mg110-method-never-matches.js';
import { mg113 } from '../../src/rules/mg113-path-never-matches.js';
import { check } from '../helpers/rules.js';

const fromPrincipals = (action: AuthorizationPolicySpec['action'], principals: string[], notPrincipals?: string[]): AuthorizationPolicySpec => ({
  action,
  rules: [{ from: [{ source: { principals, ...(notPrincipals ? { notPrincipals } : {}) } }] }],
});
const toOperation = (action: AuthorizationPolicySpec['action'], operation: Record<string, string[]>): AuthorizationPolicySpec => ({
  action,
  rules: [{ to: [{ operation: { ports: ['8080'], ...operation } }] }],
});

t.test('MG105 denies a DENY on a spiffe:// principal: the rule never matches, a hole', async (t) => {
  t.same(check(mg105, 'AuthorizationPolicy', fromPrincipals('DENY', ['spiffe://cluster.local/ns/foo/sa/attacker'])), [
    {
      rule: 'MG105',
      severity: 'deny',
      path: 'spec.rules[0].from[0].source.principals[0]',
      message:
        'principal "spiffe://cluster.local/ns/foo/sa/attacker" starts with spiffe://, which Istio adds itself, so it never matches a peer ' +
        'identity: the DENY rule never matches the requests it names, so they are allowed. Drop the spiffe:// prefix: ' +
        'cluster.local/ns/<namespace>/sa/<service account>.',
    },
  ]);
});

t.test('MG105 warns for the same principal in an ALLOW: a lock-out', async (t) => {
  const [finding] = check(mg105, 'AuthorizationPolicy', fromPrincipals('ALLOW', ['spiffe://cluster.local/ns/foo/sa/client']));
  t.equal(finding?.severity, 'warn');
  t.match(finding?.message, 'never matches a peer identity: the ALLOW rule never admits the requests it names, so they are denied.');
});

t.test('MG105 flips the severity for notPrincipals: an exclusion that never applies widens the rule', async (t) => {
  t.same(check(mg105, 'AuthorizationPolicy', fromPrincipals('ALLOW', ['*'], ['cluster.local/ns/*/sa/admin'])), [
    {
      rule: 'MG105',
      severity: 'deny',
      path: 'spec.rules[0].from[0].source.notPrincipals[0]',
      message:
        'principal "cluster.local/ns/*/sa/admin" has a * in the middle, which Istio matches as a literal character, so it never matches a ' +
        'peer identity: the exclusion never applies and the ALLOW rule admits requests it was meant to refuse. Use * only at the start or ' +
        'end (cluster.local/ns/foo/sa/*), or use namespaces: [...] for a whole namespace.',
    },
  ]);
  t.equal(check(mg105, 'AuthorizationPolicy', fromPrincipals('DENY', ['*'], ['bookinfo-productpage']))[0]?.severity, 'warn');
});

t.test('MG105 checks source.principal conditions and explains the expected form', async (t) => {
  const spec: AuthorizationPolicySpec = { action: 'CUSTOM', provider: { name: 'ext' }, rules: [{ when: [{ key: 'source.principal', values: ['*/ns/foo'] }] }] };
  t.same(check(mg105, 'AuthorizationPolicy', spec), [
    {
      rule: 'MG105',
      severity: 'deny',
      path: 'spec.rules[0].when[0].values[0]',
      message:
        'principal "*/ns/foo" is not of the form <trust domain>/ns/<namespace>/sa/<service account>, so it never matches a peer identity: the ' +
        'requests it names are never sent to the external authorizer, so they pass unchecked. Write the full identity ' +
        '(cluster.local/ns/<namespace>/sa/<service account>), a prefix or suffix with * (*/ns/foo/sa/bar), or use namespaces: [...].',
    },
  ]);
});

t.test('MG105 admits the principal forms Istio matches', async (t) => {
  const valid = ['cluster.local/ns/default/sa/bookinfo-productpage', '*', '*/ns/foo/sa/bar', '*bar', 'cluster.local/ns/foo/*', 'cluster.local/*', '*/sa/reader'];
  t.same(check(mg105, 'AuthorizationPolicy', fromPrincipals('DENY', valid, valid)), []);
});

t.test('MG110 denies a DENY on a lower-case method: requests slip through', async (t) => {
  t.same(check(mg110, 'AuthorizationPolicy', toOperation('DENY', { methods: ['delete'] })), [
    {
      rule: 'MG110',
      severity: 'deny',
      path: 'spec.rules[0].to[0].operation.methods[0]',
      message:
        'method "delete" is not upper case and Istio compares methods case-sensitively, so it never matches a request: the DENY rule never ' +
        'matches the requests it names, so they are allowed. Write it as "DELETE".',
    },
  ]);
});

t.test('MG110 warns about an ALLOW on a gRPC method name and points to paths', async (t) => {
  t.same(check(mg110, 'AuthorizationPolicy', toOperation('ALLOW', { methods: ['SayHello'] })), [
    {
      rule: 'MG110',
      severity: 'warn',
      path: 'spec.rules[0].to[0].operation.methods[0]',
      message:
        'method "SayHello" is not an HTTP method, so it never matches a request: the ALLOW rule never admits the requests it names, so they ' +
        'are denied. Use an HTTP method such as GET or POST; to match a gRPC call, use paths: ["/package.Service/Method"] (gRPC requests are all POST).',
    },
  ]);
  t.same(check(mg110, 'AuthorizationPolicy', toOperation('ALLOW', { methods: ['G*T'] })).map((f) => f.message), [
    'method "G*T" has a * in the middle, which Istio matches as a literal character, so it never matches a request: the ALLOW rule never ' +
      'admits the requests it names, so they are denied. Use * only at the start or end, or list the methods.',
  ]);
});

t.test('MG110 admits upper-case, prefix, suffix and wildcard methods, including WebDAV', async (t) => {
  t.same(check(mg110, 'AuthorizationPolicy', toOperation('DENY', { methods: ['GET', 'PO*', '*ETE', '*', 'PROPFIND', 'PURGE'], notMethods: ['OPTIONS'] })), []);
});

t.test('MG113 denies a DENY on a path without a leading slash', async (t) => {
  t.same(check(mg113, 'AuthorizationPolicy', toOperation('DENY', { paths: ['admin/*'] })), [
    {
      rule: 'MG113',
      severity: 'deny',
      path: 'spec.rules[0].to[0].operation.paths[0]',
      message:
        'path "admin/*" does not start with /, and every request path does, so it never matches a request: the DENY rule never matches the ' +
        'requests it names, so they are allowed. Write it as "/admin/*".',
    },
  ]);
});

t.test('MG113 warns about an ALLOW path with * in the middle and suggests a template', async (t) => {
  t.same(check(mg113, 'AuthorizationPolicy', toOperation('ALLOW', { paths: ['/api/*/users'] })), [
    {
      rule: 'MG113',
      severity: 'warn',
      path: 'spec.rules[0].to[0].operation.paths[0]',
      message:
        'path "/api/*/users" has a * in the middle, which Istio matches as a literal character, so it never matches a request: the ALLOW rule ' +
        'never admits the requests it names, so they are denied. Use a path template instead: {*} for one segment, {**} for the rest of the ' +
        'path (e.g. /api/{*}/users).',
    },
  ]);
  const queries = check(mg113, 'AuthorizationPolicy', toOperation('ALLOW', { notPaths: ['/search?q=x', 'https://example.com/api'] }));
  t.same(queries.map((f) => [f.path, f.severity]), [
    ['spec.rules[0].to[0].operation.notPaths[0]', 'deny'],
    ['spec.rules[0].to[0].operation.notPaths[1]', 'deny'],
  ], 'an exclusion that never applies widens an ALLOW');
});

t.test('MG113 admits the paths Istio matches: exact, prefix, suffix, templates and gRPC', async (t) => {
  const paths = ['/api/v1/users', '/api/*', '*.js', '*', '/api/{*}/users', '/static/{**}', '/helloworld.Greeter/SayHello'];
  t.same(check(mg113, 'AuthorizationPolicy', toOperation('DENY', { paths })), []);
});
