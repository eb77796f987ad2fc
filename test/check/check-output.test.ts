import t from 'tap';
import { runCli } from '../helpers/cli.js';

const POLICY = 'test/fixtures/check/positions/policy.json';
const MG101_TAIL =
  'so on TCP ports Istio drops them and the rule matches every connection: all TCP traffic to every workload in namespace shop is denied. ' +
  'Add ports: [...] listing the HTTP ports to the same operation to limit the rule to them.';

t.test('check exits 2 with the usage on a bad flag value or no paths', async (t) => {
  const badOutput = runCli(['check', '--output', 'xml', 'examples/']);
  t.equal(badOutput.code, 2);
  t.match(badOutput.stderr, /^meshguard check: --output must be one of text, json, sarif, got "xml"\n\nUsage:\n {2}meshguard check /);
  const noPaths = runCli(['check']);
  t.equal(noPaths.code, 2);
  t.match(noPaths.stderr, /^meshguard check: name at least one file or directory, or - for standard input\n/);
});

t.test('check colours severity and location with FORCE_COLOR, and NO_COLOR wins', async (t) => {
  const coloured = runCli(['check', POLICY], { env: { FORCE_COLOR: '1' } });
  const ESC = '\x1b';
  t.ok(coloured.stdout.startsWith(`${ESC}[1m${POLICY}:7:41${ESC}[22m: ${ESC}[31mdeny${ESC}[39m ${ESC}[2mMG101${ESC}[22m AuthorizationPolicy `), coloured.stdout);
  const plain = runCli(['check', POLICY], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } });
  t.notOk(plain.stdout.includes('\x1b'), plain.stdout);
});

t.test('check --output json gives the summary and each finding with its position', async (t) => {
  const { code, stdout } = runCli(['check', '-o', 'json', '-n', 'shop', POLICY]);
  t.equal(code, 1);
  t.same(JSON.parse(stdout), {
    summary: { files: 1, objects: 1, checked: 1, ignoredDocuments: 0, deny: 1, warn: 0, errors: 0 },
    findings: [
      {
        file: POLICY,
        line: 7,
        column: 41,
        kind: 'AuthorizationPolicy',
        namespace: 'shop',
        name: 'deny-head',
        rule: 'MG101',
        severity: 'deny',
        path: 'spec.rules[0].to[0].operation.methods',
        message: `DENY rule uses only HTTP attributes (methods), ${MG101_TAIL}`,
      },
    ],
    notes: [],
    errors: [],
  });
});
