import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import AjvDraft04 from 'ajv-draft-04';
import type { Log } from 'sarif';
import t from 'tap';
import { runCli } from '../helpers/cli.js';
import { readExpected } from './expected-cases.js';

// The official SARIF 2.1.0 JSON schema (draft-04), as shipped by Microsoft's SARIF SDK. One of its
// patterns is not a valid Unicode regular expression, so patterns are compiled without the u flag;
// formats (uri) are not checked.
const schemaPath = createRequire(import.meta.url).resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
const validate = new AjvDraft04.default({ strict: false, allErrors: true, unicodeRegExp: false, validateFormats: false }).compile(JSON.parse(readFileSync(schemaPath, 'utf8')) as object);

function sarifOf(args: string[]): Log {
  const { stdout } = runCli(['check', '--output', 'sarif', ...args]);
  const log = JSON.parse(stdout) as Log;
  t.ok(validate(log), JSON.stringify(validate.errors));
  return log;
}

t.test('check --output sarif validates against the SARIF 2.1.0 schema and places each result at the field', async (t) => {
  const log = sarifOf(['-n', 'shop', 'test/fixtures/check/positions/policy.json']);
  const run = log.runs[0]!;
  const rules = run.tool.driver.rules ?? [];
  const ids = rules.map((r) => r.id);
  t.same(ids, [...ids.filter((id) => id !== 'schema').sort(), 'schema'], 'every rule, by id, then the schema check');
  t.ok(ids.includes('MG290'));
  t.same(run.results, [
    {
      ruleId: 'MG101',
      ruleIndex: ids.indexOf('MG101'),
      level: 'error',
      message: { text: run.results?.[0]?.message.text },
      locations: [
        {
          physicalLocation: { artifactLocation: { uri: 'test/fixtures/check/positions/policy.json' }, region: { startLine: 7, startColumn: 41 } },
          logicalLocations: [{ name: 'deny-head', fullyQualifiedName: 'AuthorizationPolicy/shop/deny-head', kind: 'object' }],
        },
      ],
    },
  ]);
  t.match(run.results?.[0]?.message.text, /^spec\.rules\[0\]\.to\[0\]\.operation\.methods: DENY rule uses only HTTP attributes/);
  t.same(run.invocations, [{ executionSuccessful: true, toolExecutionNotifications: [] }]);
});

t.test('check --output sarif reports input errors as notifications of an unsuccessful run, still schema-valid', async (t) => {
  const run = sarifOf(['test/fixtures/check/invalid']).runs[0]!;
  t.same(run.results, []);
  t.same(run.invocations, [
    {
      executionSuccessful: false,
      toolExecutionNotifications: [
        {
          level: 'error',
          message: { text: 'invalid YAML: Nested mappings are not allowed in compact mappings' },
          locations: [{ physicalLocation: { artifactLocation: { uri: 'test/fixtures/check/invalid/broken.yaml' }, region: { startLine: 9, startColumn: 9 } }}],
        },
      ],
    },
  ]);
});

t.test('check --output sarif of examples/ is schema-valid, with one result per text finding', async (t) => {
  const log = sarifOf(['examples/']);
  const text = readExpected('examples.text').split('\n').filter((l) => /^examples\/.*: (deny|warn) /.test(l));
  t.equal(log.runs[0]?.results?.length, text.length);
});
