import t from 'tap';
import { runCli } from '../helpers/cli.js';

const POLICY = 'test/fixtures/check/positions/policy.json';

t.test('check applies the settings file: a rule set to warn is printed as warn and exits 0, unless --fail-on warn', async (t) => {
  const settings = 'test/fixtures/check/settings-mg101-warn.yaml';
  const warned = runCli(['check', '--settings', settings, '-n', 'shop', POLICY]);
  t.equal(warned.code, 0);
  t.match(warned.stdout, /^test\/fixtures\/check\/positions\/policy\.json:7:41: warn MG101 AuthorizationPolicy shop\/deny-head: /);
  t.match(warned.stdout, /\n1 file, 1 object, 1 checked: 0 deny, 1 warn\n$/);
  t.equal(runCli(['check', '--settings', settings, '--fail-on', 'warn', POLICY]).code, 1);
});

t.test('check applies exemptions from MESHGUARD_SETTINGS like the server', async (t) => {
  const { code, stdout } = runCli(['check', '-n', 'shop', POLICY], { env: { MESHGUARD_SETTINGS: 'test/fixtures/check/settings-exempt-shop.yaml' } });
  t.equal(code, 0);
  t.equal(stdout, '1 file, 1 object, 1 checked: 0 deny, 0 warn\n');
});
