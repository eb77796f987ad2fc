import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { loadSettings } from '../../src/settings.js';

const knownRules = new Set(['MG101', 'MG201']);
const dir = mkdtempSync(join(tmpdir(), 'meshguard-settings-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

t.test('defaults apply when nothing is configured', async (t) => {
  const settings = loadSettings({ knownRules });
  t.same(settings, {
    mode: 'enforce',
    rootNamespace: 'istio-system',
    rules: {},
    exemptions: [],
    logLevel: 'info',
    cluster: { source: 'auto' },
    server: { host: '0.0.0.0', admissionPort: 8443, healthPort: 9090, certDir: 'certs', bodyLimitBytes: 8 * 1024 * 1024, shutdownDelaySeconds: 10, maxInFlight: 32 },
    certificates: { source: 'files' },
  });
});

t.test('a YAML file sets rules, exemptions and server keys', async (t) => {
  const path = file(
    'ok.yaml',
    ['mode: warn', 'rootNamespace: mesh-root', 'rules: {MG101: "off"}', 'exemptions:', '  - {rule: MG201, namespace: legacy}', 'server: {admissionPort: 9443}'].join('\n'),
  );
  const settings = loadSettings({ file: path, knownRules });
  t.equal(settings.mode, 'warn');
  t.equal(settings.rootNamespace, 'mesh-root');
  t.same(settings.rules, { MG101: 'off' });
  t.same(settings.exemptions, [{ rule: 'MG201', namespace: 'legacy' }]);
  t.equal(settings.server.admissionPort, 9443);
  t.equal(settings.server.healthPort, 9090, 'unset keys keep their defaults');
});

t.test('environment variables override the file', async (t) => {
  const path = file('env.yaml', 'mode: warn\nrules: {MG101: warn}\n');
  const settings = loadSettings({
    file: path,
    knownRules,
    env: { MESHGUARD_MODE: 'enforce', MESHGUARD_RULES: 'MG201=off', MESHGUARD_HEALTH_PORT: '9999', MESHGUARD_MAX_IN_FLIGHT: '8', PATH: '/bin' },
  });
  t.equal(settings.mode, 'enforce');
  t.same(settings.rules, { MG101: 'warn', MG201: 'off' });
  t.equal(settings.server.healthPort, 9999);
  t.equal(settings.server.maxInFlight, 8);
});

const rejected: Array<[string, () => unknown, RegExp]> = [
  ['an unknown key', () => loadSettings({ file: file('k.yaml', 'moed: warn\n'), knownRules }), /k\.yaml: moed: Unexpected property/],
  ['a bad mode', () => loadSettings({ file: file('m.yaml', 'mode: audit\n'), knownRules }), /mode: expected one of enforce, warn \(got "audit"\)/],
  ['a bad rule mode', () => loadSettings({ file: file('r.yaml', 'rules: {MG101: deny}\n'), knownRules }), /rules\.MG101: expected one of enforce, warn, off/],
  ['an unknown rule id', () => loadSettings({ file: file('u.yaml', 'rules: {MG999: warn}\n'), knownRules }), /unknown rule id MG999/],
  ['an exemption for an unknown rule', () => loadSettings({ file: file('e.yaml', 'exemptions: [{rule: MG998, namespace: a}]\n'), knownRules }), /unknown rule id MG998/],
  ['a body limit under 7 MiB', () => loadSettings({ file: file('b.yaml', 'server: {bodyLimitBytes: 1024}\n'), knownRules }), /server\.bodyLimitBytes/],
  ['an in-flight bound of 0', () => loadSettings({ file: file('f.yaml', 'server: {maxInFlight: 0}\n'), knownRules }), /server\.maxInFlight/],
  ['invalid YAML', () => loadSettings({ file: file('y.yaml', 'mode: [\n'), knownRules }), /not valid YAML/],
  ['a file that is a list', () => loadSettings({ file: file('l.yaml', '- a\n'), knownRules }), /must hold a mapping/],
  ['a missing file', () => loadSettings({ file: join(dir, 'absent.yaml'), knownRules }), /cannot read settings file/],
  ['an unknown MESHGUARD_ variable', () => loadSettings({ knownRules, env: { MESHGUARD_MODES: 'warn' } }), /unknown environment variable MESHGUARD_MODES/],
  ['a non-numeric port variable', () => loadSettings({ knownRules, env: { MESHGUARD_ADMISSION_PORT: 'x' } }), /MESHGUARD_ADMISSION_PORT must be an integer/],
  ['a malformed MESHGUARD_RULES', () => loadSettings({ knownRules, env: { MESHGUARD_RULES: 'MG101' } }), /not of the form MG101=warn/],
];
for (const [what, load, message] of rejected) {
  t.test(`settings reject ${what} with a clear error`, async (t) => {
    t.throws(load, { name: 'SettingsError', message });
  });
}
