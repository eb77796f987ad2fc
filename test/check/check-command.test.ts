import { readFileSync } from 'node:fs';
import t from 'tap';
import { runCli } from '../helpers/cli.js';

const POSITIONS = 'test/fixtures/check/positions';
const MG101_TAIL =
  'so on TCP ports Istio drops them and the rule matches every connection: all TCP traffic to every workload in namespace shop is denied. ' +
  'Add ports: [...] listing the HTTP ports to the same operation to limit the rule to them.';

const positionsLines = (file: string) => [
  // The manifests declare no Namespace web: offline, the input is the whole cluster (see the README, MG107).
  `${file}:14:22: warn MG107 AuthorizationPolicy shop/deny-get: spec.rules[0].from[0].source.namespaces[0]: namespace "web" does not exist in the cluster, ` +
    "so no caller's identity carries it and the value never matches: the DENY rule never matches the requests it names, so they are allowed. " +
    'Check the name against kubectl get namespaces, or create Namespace web before this policy.',
  `${file}:21:11: deny MG101 AuthorizationPolicy shop/deny-get: spec.rules[2].to[0].operation.paths: DENY rule uses only HTTP attributes (paths), ${MG101_TAIL}`,
  `${file}:42:9: deny MG101 AuthorizationPolicy shop/deny-post: spec.rules[0].when[0]: DENY rule uses only HTTP attributes (when request.headers[x-debug]), ` +
    'so on TCP ports Istio drops them and the rule matches every connection: all TCP traffic to every workload in namespace shop is denied. ' +
    'Add to: [{operation: {ports: [...]}}] listing the HTTP ports to limit the rule to them.',
];

t.test('check points each finding at the field, across documents and List items, and exits 1 on a deny', async (t) => {
  const { code, stdout, stderr } = runCli(['check', '--namespace', 'shop', POSITIONS]);
  t.equal(code, 1);
  t.equal(stderr, '');
  t.same(stdout.split('\n'), [
    ...positionsLines(`${POSITIONS}/policies.yaml`),
    `${POSITIONS}/policy.json:7:41: deny MG101 AuthorizationPolicy shop/deny-head: spec.rules[0].to[0].operation.methods: DENY rule uses only HTTP attributes (methods), ${MG101_TAIL}`,
    '2 files, 4 objects (1 other YAML document ignored), 3 checked: 3 deny, 1 warn',
    '',
  ]);
});

t.test('check reads standard input for - and reports it as <stdin>', async (t) => {
  const stdin = readFileSync(`${POSITIONS}/policies.yaml`, 'utf8');
  const { code, stdout } = runCli(['check', '-n', 'shop', '-'], { stdin });
  t.equal(code, 1);
  t.same(stdout.split('\n'), [...positionsLines('<stdin>'), '1 file, 3 objects (1 other YAML document ignored), 2 checked: 2 deny, 1 warn', '']);
});

t.test('check exits 0 on the legitimate look-alikes: an ALLOW with methods, a DENY with methods and ports', async (t) => {
  const { code, stdout } = runCli(['check', 'test/fixtures/check/clean']);
  t.equal(code, 0);
  t.equal(stdout, '1 file, 2 objects, 2 checked: 0 deny, 0 warn\n');
});

t.test('check exits 2 on invalid YAML (with its position) and on a missing path, and judges nothing', async (t) => {
  const { code, stdout } = runCli(['check', 'test/fixtures/check/invalid', 'test/fixtures/check/no-such-dir', POSITIONS]);
  t.equal(code, 2);
  t.equal(
    stdout,
    'test/fixtures/check/no-such-dir: error: no such file or directory\n' +
      'test/fixtures/check/invalid/broken.yaml:9:9: error: invalid YAML: Nested mappings are not allowed in compact mappings\n' +
      '3 files, 5 objects: 2 input errors, nothing was checked\n',
  );
});

t.test('check stops a YAML alias bomb with an input error instead of expanding it', async (t) => {
  const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]', ...'bcdefghi'.split('').map((k, i) => `${k}: &${k} [${Array(10).fill(`*${'abcdefghi'[i]}`).join(',')}]`)].join('\n');
  const { code, stdout } = runCli(['check', '-'], { stdin: `${bomb}\n` });
  t.equal(code, 2);
  t.match(stdout, /^<stdin>:1:1: error: Excessive alias count indicates a resource exhaustion attack\n/);
});

t.test('check reports an object that does not match the CRD schema as a deny finding at the field', async (t) => {
  const { code, stdout } = runCli(['check', 'test/fixtures/check/schema']);
  t.equal(code, 1);
  t.equal(
    stdout.split('\n')[0],
    'test/fixtures/check/schema/bad-mode.yaml:8:5: deny schema PeerAuthentication shop/default: spec.mtls.mode: must be equal to one of the allowed values ' +
      "(UNSET, DISABLE, PERMISSIVE, STRICT): the API server rejects this object against Istio's CRD schema, so meshguard did not run its rules on it. Fix the field and check again.",
  );
});
